package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;

/**
 * The SQL on a registration's own rate limits (registrations.max_*; NULL: the default) and the
 * system's suspension. The limits' stamp is updated_at in microseconds: it changes with every change
 * to the row, which is how the rate limiter knows to start afresh.
 */
final class LimitSql {

    private static final String COLUMNS = "max_messages_per_hour, max_recipients_per_message, max_recipients_per_hour, updated_at";

    private LimitSql() {
    }

    /** From a JDBC row whose columns from {@code first} on are the limits and updated_at, in that order. */
    static RegistrationLimits limits(ResultSet rs, int first) throws SQLException {
        OffsetDateTime updated = rs.getObject(first + 3, OffsetDateTime.class);
        return new RegistrationLimits(rs.getObject(first, Integer.class), rs.getObject(first + 1, Integer.class),
                rs.getObject(first + 2, Integer.class), stamp(updated == null ? null : updated.toInstant()));
    }

    static Future<RegistrationLimits> get(SqlClient client, long id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM registrations WHERE id = ?").execute(Tuple.of(id))
                .compose(rows -> rows.size() == 0 ? Future.failedFuture(RegistrationSql.noSuch(id))
                        : Future.succeededFuture(limits(rows.iterator().next())));
    }

    /** Writes the change (the row is locked by the status read first); REVOKED is final. */
    static Future<RegistrationLimits> set(SqlConnection conn, long id, LimitChange change) {
        return RegistrationSql.status(conn, id).compose(status -> {
            if (status == RegistrationStatus.REVOKED) {
                return Future.failedFuture(new RegistryException("registration " + id + " is REVOKED; its limits no longer matter"));
            }
            List<String> sets = new ArrayList<>();
            Tuple params = Tuple.tuple();
            add(sets, params, "max_messages_per_hour", change.messagesPerHour(), change.toDefaults());
            add(sets, params, "max_recipients_per_message", change.recipientsPerMessage(), change.toDefaults());
            add(sets, params, "max_recipients_per_hour", change.recipientsPerHour(), change.toDefaults());
            params.addLong(id);
            return conn.preparedQuery("UPDATE registrations SET " + String.join(", ", sets) + " WHERE id = ?").execute(params);
        }).compose(v -> get(conn, id));
    }

    private static void add(List<String> sets, Tuple params, String column, Integer value, boolean toDefault) {
        if (toDefault) {
            sets.add(column + " = NULL");
        } else if (value != null) {
            sets.add(column + " = ?");
            params.addInteger(value);
        }
    }

    /** ACTIVE becomes SUSPENDED with the reason; any other status is left alone (true when it changed). */
    static Future<Boolean> suspendIfActive(SqlConnection conn, long id, String reason) {
        return RegistrationSql.status(conn, id).compose(status -> status != RegistrationStatus.ACTIVE
                ? Future.succeededFuture(false)
                : RegistrationSql.setStatus(conn, id, RegistrationStatus.SUSPENDED, reason).map(true));
    }

    private static RegistrationLimits limits(Row row) {
        return new RegistrationLimits(row.getInteger("MAX_MESSAGES_PER_HOUR"), row.getInteger("MAX_RECIPIENTS_PER_MESSAGE"),
                row.getInteger("MAX_RECIPIENTS_PER_HOUR"), stamp(RowMapper.instant(row.getValue("UPDATED_AT"))));
    }

    static long stamp(Instant updatedAt) {
        return updatedAt == null ? 0 : updatedAt.getEpochSecond() * 1_000_000 + updatedAt.getNano() / 1000;
    }
}
