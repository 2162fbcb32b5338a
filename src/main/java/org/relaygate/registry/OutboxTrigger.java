package org.relaygate.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import org.h2.api.Trigger;

/**
 * Queues the registry's notices in the outbox inside the transaction of the change itself, so that
 * a change and its notice commit together whoever made it: the CLI, plain SQL, or the rate
 * limiter. AFTER UPDATE on registrations (a status change) and AFTER INSERT on blocks; the rules
 * are documented in sql/schema.sql. It only writes rows: sending is {@code serve}'s job, and
 * whether a suspension or block notice goes out is decided there (mail.notify-on-*), because this
 * trigger runs in whichever process hosts the database and cannot know that process's settings.
 */
public final class OutboxTrigger implements Trigger {

    private static final String INSERT = "INSERT INTO outbox (kind, registration_id, recipient, params, created_by)"
            + " VALUES (?, ?, ?, ?, " + SessionActor.ACTOR_SQL + ")";
    static final String SYSTEM = "system";

    private boolean blocks;
    private TableColumns columns;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        String table = tableName.toLowerCase(Locale.ROOT);
        if (!table.equals("registrations") && !table.equals("blocks")) {
            throw new SQLException("OutboxTrigger is for registrations and blocks, not " + table);
        }
        blocks = table.equals("blocks");
        columns = TableColumns.read(conn, schemaName, tableName);
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (blocks && oldRow == null && newRow != null) {
            blockInserted(conn, newRow);
        } else if (!blocks && oldRow != null && newRow != null) {
            statusChanged(conn, oldRow, newRow);
        }
    }

    private void statusChanged(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        String from = text(oldRow, "status");
        String to = text(newRow, "status");
        if (to.equals(from)) {
            return;
        }
        long id = ((Number) value(newRow, "id")).longValue();
        SessionActor actor = SessionActor.of(conn);
        if (to.equals("ACTIVE")) {
            boolean first = value(oldRow, "approved_at") == null && !NoticeFacts.confirmed(conn, id);
            queue(conn, first ? OutboxKind.CONFIRMATION : OutboxKind.REACTIVATION, id, contact(newRow),
                    facts(conn, id, newRow, actor));
        } else if (to.equals("SUSPENDED")) {
            Map<String, String> facts = facts(conn, id, newRow, actor);
            queue(conn, OutboxKind.SUSPENSION, id, contact(newRow), facts);
            if (SYSTEM.equalsIgnoreCase(actor.source()) || SYSTEM.equalsIgnoreCase(actor.name())) {
                queue(conn, OutboxKind.POSTMASTER_ALERT, id, null, facts); // recipient: mail.postmaster
            }
        }
    }

    private Map<String, String> facts(Connection conn, long id, Object[] row, SessionActor actor) throws SQLException {
        return NoticeFacts.registration(conn, id, text(row, "unit"), contact(row), text(row, "device"),
                text(row, "status"), text(row, "status_reason"), actor.name());
    }

    private void blockInserted(Connection conn, Object[] row) throws SQLException {
        Instant until = instant(value(row, "expires_at"));
        if (until != null && !until.isAfter(Instant.now())) {
            return; // already over: nothing to announce
        }
        NoticeFacts.BlockedRange range = new NoticeFacts.BlockedRange(text(row, "cidr"),
                ((Number) value(row, "family")).intValue(), text(row, "range_start"), text(row, "range_end"),
                text(row, "reason"), until);
        String actor = SessionActor.of(conn).name();
        for (NoticeFacts.Covered c : NoticeFacts.coveredContacts(conn, range, actor)) {
            queue(conn, OutboxKind.BLOCK, c.firstRegistration(), c.contact(), c.facts());
        }
    }

    private static void queue(Connection conn, OutboxKind kind, long registrationId, String recipient,
                              Map<String, String> facts) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, kind.name());
            ps.setLong(2, registrationId);
            ps.setString(3, recipient);
            ps.setString(4, NoticeFacts.json(facts));
            ps.executeUpdate();
        }
    }

    private String contact(Object[] row) {
        return text(row, "contact_email").strip();
    }

    private Object value(Object[] row, String column) throws SQLException {
        return row[columns.require(column, blocks ? "blocks" : "registrations")];
    }

    private String text(Object[] row, String column) {
        int i = columns.indexOf(column);
        return i < 0 || row[i] == null ? "" : row[i].toString();
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return value instanceof java.sql.Timestamp t ? t.toInstant() : null;
    }
}
