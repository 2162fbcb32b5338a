package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** The SQL on registrations and their addresses: insert, read, list and status updates. */
final class RegistrationSql {

    private static final String SELECT = "SELECT " + RowMapper.REGISTRATION_COLUMNS + " FROM registrations";

    private RegistrationSql() {
    }

    /** Inserts the registration (PENDING) and its networks; the new id. */
    static Future<Long> insert(SqlConnection conn, RegistrationRules.Valid v) {
        String sql = "INSERT INTO registrations (unit, contact_email, device, reason, signed_by, signed_on, notes)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
        Tuple values = Tuple.of(v.unit(), v.contactEmail(), v.device(), v.reason(), v.signedBy(), v.signedOn())
                .addValue(v.notes());
        return conn.preparedQuery(sql).execute(values)
                .map(rows -> rows.property(JDBCPool.GENERATED_KEYS).getLong(0))
                .compose(id -> insertAddresses(conn, id, v.addresses()).map(id));
    }

    private static Future<Void> insertAddresses(SqlConnection conn, long id, List<Cidr> addresses) {
        List<Tuple> batch = new ArrayList<>(addresses.size());
        for (Cidr cidr : addresses) {
            batch.add(Tuple.of(id, cidr.toString()));
        }
        return conn.preparedQuery("INSERT INTO registration_addresses (registration_id, cidr) VALUES (?, ?)")
                .executeBatch(batch).mapEmpty();
    }

    /** The registration with its networks; fails with "no registration N" when there is none. */
    static Future<Registration> get(SqlClient client, long id) {
        return client.preparedQuery(SELECT + " WHERE id = ?").execute(Tuple.of(id)).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(noSuch(id));
            }
            Row row = rows.iterator().next();
            return addresses(client, id).map(cidrs -> RowMapper.registration(row, cidrs));
        });
    }

    static Future<List<Cidr>> addresses(SqlClient client, long id) {
        return client.preparedQuery("SELECT cidr FROM registration_addresses WHERE registration_id = ? ORDER BY id")
                .execute(Tuple.of(id)).map(rows -> {
                    List<Cidr> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(Cidr.parse(r.getString("CIDR"))));
                    return out;
                });
    }

    /** All registrations (or those with the status), by id, each with its networks: two queries, no N+1. */
    static Future<List<Registration>> list(SqlClient client, RegistrationStatus status) {
        String where = status == null ? "" : " WHERE status = ?";
        Tuple params = status == null ? Tuple.tuple() : Tuple.of(status.name());
        String addressSql = "SELECT a.registration_id, a.cidr FROM registration_addresses a"
                + (status == null ? "" : " JOIN registrations r ON r.id = a.registration_id WHERE r.status = ?")
                + " ORDER BY a.id";
        return client.preparedQuery(addressSql).execute(params).compose(addressRows ->
                client.preparedQuery(SELECT + where + " ORDER BY id").execute(params)
                        .map(rows -> join(rows, addressRows)));
    }

    /** The order of a {@link #firstOf} page: by id, or oldest first (the review queue). */
    enum Order {
        ID("id"), OLDEST_FIRST("created_at, id");

        private final String sql;

        Order(String sql) {
            this.sql = sql;
        }
    }

    /**
     * The first {@code limit} registrations (or those with the status) in that order, each with its
     * networks, and how many match in all: the database stops at the limit (an index on status), so
     * a long list costs no more than its first page.
     */
    static Future<RegistrationList> firstOf(SqlClient client, RegistrationStatus status, Order order, int limit) {
        String where = status == null ? "" : " WHERE status = ?";
        Tuple filter = status == null ? Tuple.tuple() : Tuple.of(status.name());
        Tuple page = status == null ? Tuple.of(limit) : Tuple.of(status.name(), limit);
        String chosen = " FROM registrations" + where + " ORDER BY " + order.sql + " LIMIT ?";
        String addressSql = "SELECT a.registration_id, a.cidr FROM registration_addresses a"
                + " WHERE a.registration_id IN (SELECT id" + chosen + ") ORDER BY a.id";
        return client.preparedQuery(addressSql).execute(page).compose(addressRows ->
                client.preparedQuery(SELECT + where + " ORDER BY " + order.sql + " LIMIT ?").execute(page)
                        .map(rows -> join(rows, addressRows)))
                .compose(list -> client.preparedQuery("SELECT COUNT(*) AS n FROM registrations" + where).execute(filter)
                        .map(count -> new RegistrationList(list, Math.max(list.size(), count.iterator().next().getLong("N")))));
    }

    private static List<Registration> join(RowSet<Row> registrations, RowSet<Row> addressRows) {
        Map<Long, List<Cidr>> byId = new HashMap<>();
        for (Row a : addressRows) {
            byId.computeIfAbsent(a.getLong("REGISTRATION_ID"), k -> new ArrayList<>()).add(Cidr.parse(a.getString("CIDR")));
        }
        List<Registration> out = new ArrayList<>(registrations.size());
        for (Row r : registrations) {
            out.add(RowMapper.registration(r, byId.getOrDefault(r.getLong("ID"), List.of())));
        }
        return out;
    }

    static Future<RegistrationStatus> status(SqlConnection conn, long id) {
        return conn.preparedQuery("SELECT status FROM registrations WHERE id = ? FOR UPDATE").execute(Tuple.of(id))
                .compose(rows -> rows.size() == 0 ? Future.failedFuture(noSuch(id))
                        : Future.succeededFuture(RegistrationStatus.parse(rows.iterator().next().getString("STATUS"))));
    }

    static Future<Void> approve(SqlConnection conn, long id, String approvedBy) {
        return update(conn, "UPDATE registrations SET status = 'ACTIVE', status_reason = NULL,"
                + " approved_at = COALESCE(approved_at, CURRENT_TIMESTAMP), approved_by = COALESCE(approved_by, ?)"
                + " WHERE id = ?", Tuple.of(approvedBy, id));
    }

    static Future<Void> setStatus(SqlConnection conn, long id, RegistrationStatus status, String reason) {
        return update(conn, "UPDATE registrations SET status = ?, status_reason = ? WHERE id = ?",
                Tuple.of(status.name(), reason, id));
    }

    private static Future<Void> update(SqlConnection conn, String sql, Tuple params) {
        return conn.preparedQuery(sql).execute(params).mapEmpty();
    }

    static RegistryException noSuch(long id) {
        return new RegistryException("no registration " + id);
    }
}
