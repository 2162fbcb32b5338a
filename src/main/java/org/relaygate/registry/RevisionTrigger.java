package org.relaygate.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.Trigger;

/**
 * AFTER each changing statement: bumps {@code registry_meta.revision}, the one value the server
 * polls to notice a change from any source (CLI, plain SQL, web). The bump commits or rolls back
 * with the change itself.
 */
public final class RevisionTrigger implements Trigger {

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("UPDATE registry_meta SET revision = revision + 1 WHERE id = 1");
        }
    }
}
