package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the audit log, newest first. For one registration: its own rows (by row id) and its
 * address rows, found by the {@code registration_id=N} the audit trigger always writes into their
 * values (see {@link AuditValues}).
 */
final class AuditSql {

    static final int MAX_LIMIT = 100_000;

    private AuditSql() {
    }

    static Future<List<AuditEntry>> read(SqlClient client, Long registrationId, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return Future.failedFuture(new RegistryException("audit limit must be 1.." + MAX_LIMIT + ", got " + limit));
        }
        String select = "SELECT " + RowMapper.AUDIT_COLUMNS + " FROM audit_log";
        Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> rows;
        if (registrationId == null) {
            rows = client.preparedQuery(select + " ORDER BY id DESC LIMIT ?").execute(Tuple.of(limit));
        } else {
            String[] p = AuditValues.registrationPatterns(registrationId);
            String where = " WHERE (table_name = 'registrations' AND row_id = ?) OR (table_name = 'registration_addresses'"
                    + " AND (new_value LIKE ? OR new_value LIKE ? OR old_value LIKE ? OR old_value LIKE ?))";
            rows = client.preparedQuery(select + where + " ORDER BY id DESC LIMIT ?")
                    .execute(Tuple.of(registrationId, p[0], p[1], p[0], p[1], limit));
        }
        return rows.map(set -> {
            List<AuditEntry> out = new ArrayList<>(set.size());
            set.forEach(r -> out.add(RowMapper.audit(r)));
            return out;
        });
    }
}
