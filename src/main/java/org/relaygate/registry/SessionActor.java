package org.relaygate.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Who is changing the registry, as the triggers see it: the session variables {@code @actor} and
 * {@code @source} that {@link Registry} sets in each transaction, else the database user and 'sql'
 * for a plain SQL session that did not set them (H2's default user name is empty: 'unknown').
 * The rule is SQL so the audit trigger can use it inside its one INSERT per row; values are cut
 * to the audit_log column widths so a long name can never fail the change itself.
 */
record SessionActor(String name, String source) {

    static final String UNKNOWN_USER = "unknown";
    static final String ACTOR_SQL = "LEFT(COALESCE(NULLIF(TRIM(CAST(@actor AS VARCHAR)), ''), NULLIF(CURRENT_USER, ''), '"
            + UNKNOWN_USER + "'), 200)";
    static final String SOURCE_SQL = "LEFT(COALESCE(NULLIF(TRIM(CAST(@source AS VARCHAR)), ''), 'sql'), 20)";

    static SessionActor of(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + ACTOR_SQL + ", " + SOURCE_SQL)) {
            rs.next();
            return new SessionActor(rs.getString(1), rs.getString(2));
        }
    }
}
