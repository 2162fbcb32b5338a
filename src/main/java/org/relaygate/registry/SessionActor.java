package org.relaygate.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Who is changing the registry, as the triggers see it: the session variables {@code @actor} and
 * {@code @source} that {@link Registry} sets in each transaction, else the database user and 'sql'
 * for a plain SQL session that did not set them.
 */
record SessionActor(String name, String source) {

    static final String UNKNOWN_USER = "unknown";

    static SessionActor of(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT @actor, @source, CURRENT_USER")) {
            rs.next();
            String actor = blankToNull(rs.getString(1));
            String source = blankToNull(rs.getString(2));
            String user = blankToNull(rs.getString(3));
            // Cut to the audit_log column widths so a long name can never fail the change itself.
            return new SessionActor(cut(actor != null ? actor : (user != null ? user : UNKNOWN_USER), 200),
                    cut(source != null ? source : "sql", 20));
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
