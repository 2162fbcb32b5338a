package org.relaygate.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How far audit_log is known to be complete: {@code max} is the highest committed audit id, and
 * {@code settled} says that no lower id can still appear.
 *
 * <p>Why this is not simply MAX(id): audit ids come from an identity, handed out when a row is
 * inserted, not when its transaction commits. A plain SQL transaction may take id 9, wait on the
 * registry_meta lock while another takes id 10 and commits, and commit 9 afterwards. A reader that
 * moved its mark to 10 would never see 9. So MAX(id) counts only once no other session holds
 * uncommitted changes (INFORMATION_SCHEMA.SESSIONS.CONTAINS_UNCOMMITTED, H2 2.x): every id up to
 * it is then committed (visible to a read that starts afterwards) or rolled back (gone). An id
 * taken for an audit row is always preceded by the audited row's own change in that transaction,
 * so there is no moment where a session holds an id but no uncommitted change.
 *
 * <p>Seeing other sessions' flags needs admin rights; relaygate's connections are the database's
 * creator (user ""), which is admin.
 */
record AuditMark(long max, boolean settled) {

    private static final String MAX = "SELECT COALESCE(MAX(id), 0) FROM audit_log";
    private static final String BUSY = "SELECT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.SESSIONS"
            + " WHERE CONTAINS_UNCOMMITTED AND SESSION_ID <> SESSION_ID())";
    /** Writers hold their transactions for milliseconds: a few short waits usually see them done. */
    private static final int ATTEMPTS = 5;
    private static final long WAIT_MILLIS = 20;

    /**
     * Reads the mark on a connection in auto-commit mode, BEFORE the transaction that reads the
     * changes: everything up to a settled max is then visible to that read.
     */
    static AuditMark read(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            long max = queryLong(c, MAX);
            if (queryLong(c, BUSY) == 0) {
                return new AuditMark(max, true);
            }
            if (attempt == ATTEMPTS || !pause()) {
                return new AuditMark(max, false);
            }
        }
    }

    /** The mark a read may move to: the settled max, else where it was (those rows are read again). */
    long next(long previous) {
        return settled ? Math.max(previous, max) : previous;
    }

    private static boolean pause() {
        try {
            Thread.sleep(WAIT_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
