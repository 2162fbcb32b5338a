package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Text;

/**
 * The SQL on the outbox: {@code notify}'s rows, and the sender's reads and updates. Every update of
 * the sender is guarded by {@code status = 'PENDING'}, so a row an admin settled by hand (FAILED,
 * deleted) is never overwritten.
 */
final class OutboxSql {

    static final String COLUMNS = "id, kind, registration_id, recipient, subject, body, params, created_at, created_by, attempts";
    /** Longest error text kept (the column's width). */
    private static final int MAX_TEXT = 1000;

    private OutboxSql() {
    }

    /**
     * One NOTICE per distinct contact address (compared case-insensitively, spaces trimmed) of the
     * registrations with this status, spelled as the oldest of them has it, in one statement; then
     * one audit_log row for the whole notice (who, the recipients, the subject and body). The
     * number of rows queued. Writers queue on registry_meta (the caller holds it), so the rows
     * above {@code before} are exactly this statement's.
     */
    static Future<Integer> queueNotice(SqlConnection conn, RegistrationStatus status, String subject, String body,
                                       String actor) {
        String sql = "INSERT INTO outbox (kind, registration_id, recipient, subject, body, params, created_by)"
                + " SELECT 'NOTICE', id, TRIM(contact_email), ?, ?, ?, ? FROM registrations WHERE id IN"
                + " (SELECT MIN(id) FROM registrations WHERE status = ? GROUP BY LOWER(TRIM(contact_email))) ORDER BY id";
        String params = NoticeFacts.json(java.util.Map.of("status", status.name()));
        return conn.query("SELECT COALESCE(MAX(id), 0) AS last FROM outbox").execute()
                .map(rows -> rows.iterator().next().getLong("LAST"))
                .compose(before -> conn.preparedQuery(sql).execute(Tuple.of(subject, body, params, actor, status.name()))
                        .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture(0)
                                : audit(conn, before, status, subject, body).map(inserted.rowCount())));
    }

    private static Future<Void> audit(SqlConnection conn, long before, RegistrationStatus status, String subject, String body) {
        return conn.preparedQuery("SELECT id, recipient FROM outbox WHERE kind = 'NOTICE' AND id > ? ORDER BY id")
                .execute(Tuple.of(before)).compose(rows -> {
                    List<String> recipients = new ArrayList<>();
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(r -> {
                        ids.add(r.getLong("ID"));
                        recipients.add(r.getString("RECIPIENT"));
                    });
                    String value = "notify: status=" + status + ", messages=" + ids.size() + ", outbox ids="
                            + ids.get(0) + ".." + ids.get(ids.size() - 1) + ", recipients=" + String.join(" ", recipients)
                            + ", subject=" + subject + ", body=" + Text.oneLine(body).strip();
                    return conn.preparedQuery("INSERT INTO audit_log (actor, source, table_name, row_id, operation, new_value)"
                            + " VALUES (" + SessionActor.ACTOR_SQL + ", " + SessionActor.SOURCE_SQL + ", 'outbox', ?, 'INSERT', ?)")
                            .execute(Tuple.of(ids.get(0), value)).mapEmpty();
                });
    }

    /** PENDING rows whose next attempt is due, oldest first. */
    static Future<List<OutboxEntry>> due(SqlClient client, Instant now, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING'"
                + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?";
        return client.preparedQuery(sql).execute(Tuple.of(RowMapper.timestamp(now), limit)).map(rows -> {
            List<OutboxEntry> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(entry(r)));
            return out;
        });
    }

    private static OutboxEntry entry(Row r) {
        return new OutboxEntry(r.getLong("ID"), OutboxKind.valueOf(r.getString("KIND")), r.getLong("REGISTRATION_ID"),
                r.getString("RECIPIENT"), r.getString("SUBJECT"), r.getString("BODY"),
                NoticeFacts.parse(r.getString("PARAMS")), RowMapper.instant(r.getValue("CREATED_AT")),
                r.getString("CREATED_BY"), r.getInteger("ATTEMPTS"));
    }

    /**
     * Starts an attempt: counts it and holds the row until {@code lease} (so another sender, or a
     * later pass, leaves it alone; after a crash it is due again then). True when this caller won
     * the row: the attempts it read are still the row's.
     */
    static Future<Boolean> claim(SqlClient client, long id, int attemptsSeen, Instant lease) {
        return update(client, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?"
                + " WHERE id = ? AND status = 'PENDING' AND attempts = ?",
                Tuple.of(RowMapper.timestamp(lease), id, attemptsSeen)).map(n -> n == 1);
    }

    static Future<Boolean> sent(SqlClient client, long id, Instant at, String subject, String body, String via) {
        return update(client, "UPDATE outbox SET status = 'SENT', sent_at = ?, subject = ?, body = ?, sent_via = ?,"
                + " last_error = NULL, next_attempt_at = NULL WHERE id = ? AND status = 'PENDING'",
                Tuple.of(RowMapper.timestamp(at), subject, body, cut(via), id)).map(n -> n == 1);
    }

    static Future<Boolean> retry(SqlClient client, long id, Instant next, String error) {
        return update(client, "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'PENDING'",
                Tuple.of(RowMapper.timestamp(next), cut(error), id)).map(n -> n == 1);
    }

    /** Settles a row for good: FAILED or SKIPPED, with why. */
    static Future<Boolean> settle(SqlClient client, long id, String status, String why) {
        return update(client, "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = NULL"
                + " WHERE id = ? AND status = 'PENDING'", Tuple.of(status, cut(why), id)).map(n -> n == 1);
    }

    private static Future<Integer> update(SqlClient client, String sql, Tuple params) {
        return client.preparedQuery(sql).execute(params).map(rows -> rows.rowCount());
    }

    private static String cut(String text) {
        String s = Text.oneLine(text == null ? "" : text);
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 3) + "...";
    }
}
