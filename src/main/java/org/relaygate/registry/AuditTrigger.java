package org.relaygate.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * AFTER INSERT/UPDATE/DELETE for each row: writes one audit_log row with who (the session's
 * actor, see {@link SessionActor}), what and the old and new values. It runs inside the changing
 * transaction, so a rolled back change leaves no audit row either.
 */
public final class AuditTrigger implements Trigger {

    private static final String INSERT = "INSERT INTO audit_log (actor, source, table_name, row_id, operation, "
            + "old_value, new_value) VALUES (" + SessionActor.ACTOR_SQL + ", " + SessionActor.SOURCE_SQL + ", ?, ?, ?, ?, ?)";

    private String table;
    private TableColumns columns;
    private int id;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        table = TableColumns.tableName(tableName);
        columns = TableColumns.read(conn, schemaName, tableName);
        id = columns.require("id", table);
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (BulkMode.on(conn)) {
            return; // relaygate import writes these rows itself, set-wise (BulkImport)
        }
        String operation;
        String oldValue;
        String newValue;
        if (oldRow == null) {
            operation = "INSERT";
            oldValue = null;
            newValue = AuditValues.row(columns, newRow);
        } else if (newRow == null) {
            operation = "DELETE";
            oldValue = AuditValues.row(columns, oldRow);
            newValue = null;
        } else {
            operation = "UPDATE";
            oldValue = AuditValues.changed(columns, oldRow, newRow);
            newValue = AuditValues.changed(columns, newRow, oldRow);
        }
        Object rowId = (newRow != null ? newRow : oldRow)[id];
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, table);
            ps.setObject(2, rowId);
            ps.setString(3, operation);
            ps.setString(4, oldValue);
            ps.setString(5, newValue);
            ps.executeUpdate();
        }
    }
}
