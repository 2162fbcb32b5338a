package org.relaygate.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * A larger H2 page cache while the import runs, when the import's own process holds the database
 * (no serve running): H2's default is 16 MB, and a one-transaction import of 100,000 rows
 * (~225 MB of pages, indexes and undo log) then spends ~15% of its CPU re-reading evicted pages
 * (measured with JFR). CACHE_SIZE is database-wide and persistent in H2, so the previous value is
 * put back afterwards; through serve's auto-server the cache is serve's memory and is left alone.
 */
final class BulkCache implements AutoCloseable {

    /** At most this much (KB), and at most an eighth of this JVM's heap. */
    private static final long MAX_KB = 1024 * 1024;
    private static final long H2_DEFAULT_KB = 16 * 1024;

    private final Connection conn;
    private final long previousKb;

    private BulkCache(Connection conn, long previousKb) {
        this.conn = conn;
        this.previousKb = previousKb;
    }

    /** Raises the cache on an embedded session (call outside the import's transaction: SET commits); null otherwise. */
    static BulkCache raise(Connection conn) throws SQLException {
        if (!conn.isWrapperFor(JdbcConnection.class)
                || !(conn.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal)) {
            return null;
        }
        long previous = H2_DEFAULT_KB;
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'")) {
            if (rs.next()) {
                previous = Long.parseLong(rs.getString(1));
            }
        }
        long target = Math.min(MAX_KB, Runtime.getRuntime().maxMemory() / 8 / 1024);
        if (target <= previous) {
            return null;
        }
        set(conn, target);
        return new BulkCache(conn, previous);
    }

    private static void set(Connection conn, long kb) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SET CACHE_SIZE " + kb);
        }
    }

    /** Puts the previous size back (after the import's commit or rollback). */
    @Override
    public void close() throws SQLException {
        set(conn, previousKb);
    }
}
