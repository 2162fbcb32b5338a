package org.relaygate.registry;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.value.Value;

/**
 * The session flag of {@code relaygate import}'s bulk path: while {@code @relaygate_bulk_import}
 * is TRUE, the audit, cidr-column and revision triggers leave their work to the importer, which writes the same
 * audit rows set-wise and bumps the revision once (see {@link BulkImport}). The flag is read from
 * the H2 session directly: a SELECT per row would cost what the bulk path saves. Not a security
 * boundary: a session that may write the tables may write audit_log too.
 */
final class BulkMode {

    static final String SET_ON = "SET @relaygate_bulk_import = TRUE";
    /** H2 upper-cases unquoted variable names. */
    private static final String VARIABLE = "RELAYGATE_BULK_IMPORT";

    private BulkMode() {
    }

    /** True when the trigger's session set the flag; false for every other session. */
    static boolean on(Connection conn) throws SQLException {
        if (!conn.isWrapperFor(JdbcConnection.class)) {
            return false;
        }
        Session session = conn.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local)) {
            return false;
        }
        Value v = local.getVariable(VARIABLE);
        return v != null && v != org.h2.value.ValueNull.INSTANCE && v.getBoolean();
    }
}
