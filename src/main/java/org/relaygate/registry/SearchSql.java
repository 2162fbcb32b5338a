package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.policy.Cidr;

/**
 * The postmaster's search: registrations by network (through the range index, see {@link Overlaps})
 * or by unit / contact substring; at most {@code limit}, by id, each with its networks (two queries).
 */
final class SearchSql {

    private static final String SELECT = "SELECT " + RowMapper.REGISTRATION_COLUMNS + " FROM registrations";

    private SearchSql() {
    }

    static Future<List<Registration>> search(SqlClient client, SearchQuery query, int limit) {
        String sql;
        Tuple params;
        if (query.byNetwork()) {
            Overlaps.Query overlapping = Overlaps.rows("registration_addresses", "registration_id", query.network());
            sql = SELECT + " WHERE id IN (SELECT registration_id FROM (" + overlapping.sql() + ") a) ORDER BY id LIMIT ?";
            params = overlapping.params().addValue(limit);
        } else {
            String like = query.likePattern();
            sql = SELECT + " WHERE LOWER(unit) LIKE ? ESCAPE '\\' OR LOWER(contact_email) LIKE ? ESCAPE '\\'"
                    + " ORDER BY id LIMIT ?";
            params = Tuple.of(like, like, limit);
        }
        return client.preparedQuery(sql).execute(params).compose(rows -> withAddresses(client, rows));
    }

    private static Future<List<Registration>> withAddresses(SqlClient client, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Future.succeededFuture(List.of());
        }
        StringBuilder in = new StringBuilder();
        Tuple ids = Tuple.tuple();
        for (Row r : rows) {
            in.append(in.length() == 0 ? "?" : ", ?");
            ids.addValue(r.getLong("ID"));
        }
        String sql = "SELECT registration_id, cidr FROM registration_addresses WHERE registration_id IN (" + in
                + ") ORDER BY id";
        return client.preparedQuery(sql).execute(ids).map(addressRows -> {
            Map<Long, List<Cidr>> byId = new HashMap<>();
            for (Row a : addressRows) {
                byId.computeIfAbsent(a.getLong("REGISTRATION_ID"), k -> new ArrayList<>()).add(Cidr.parse(a.getString("CIDR")));
            }
            List<Registration> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(RowMapper.registration(r, byId.getOrDefault(r.getLong("ID"), List.of())));
            }
            return out;
        });
    }
}
