package org.relaygate.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.Trigger;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * AFTER each changing statement: bumps {@code registry_meta.revision}, the one value the server
 * polls to notice a change from any source (CLI, plain SQL, web). The bump commits or rolls back
 * with the change itself.
 *
 * <p>H2 2.5 quirk: unlike row triggers, a statement-level trigger runs with the session's
 * auto-commit left on, so its UPDATE would try to commit inside the trigger and fail with 90058
 * ("Commit or rollback is not allowed within a trigger") for every plain SQL statement in
 * auto-commit mode. We switch the session flag off around the UPDATE, as H2 does itself for row
 * triggers; the statement's own end then commits both.
 */
public final class RevisionTrigger implements Trigger {

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (BulkMode.on(conn)) {
            return; // relaygate import bumps the revision once, at its end (BulkImport)
        }
        SessionLocal session = localSession(conn);
        boolean autoCommit = session != null && session.getAutoCommit();
        if (autoCommit) {
            session.setAutoCommit(false);
        }
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("UPDATE registry_meta SET revision = revision + 1 WHERE id = 1");
        } finally {
            if (autoCommit) {
                session.setAutoCommit(true);
            }
        }
    }

    private static SessionLocal localSession(Connection conn) throws SQLException {
        if (!conn.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        Session session = conn.unwrap(JdbcConnection.class).getSession();
        return session instanceof SessionLocal local ? local : null;
    }
}
