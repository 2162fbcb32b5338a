package org.relaygate.registry;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;
import org.relaygate.policy.Cidr;

/**
 * BEFORE INSERT/UPDATE on every table with a {@code cidr} column: stores the canonical network
 * text and fills the computed range columns, so that a plain SQL insert of {@code '192.0.2.7'}
 * is stored as {@code 192.0.2.7/32} and is found by range queries. A malformed value fails the
 * statement. A NULL {@code created_by} becomes the session's actor.
 */
public final class CidrColumnsTrigger implements Trigger {

    private String table;
    private int cidr;
    private int family;
    private int start;
    private int end;
    private int createdBy;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        TableColumns columns = TableColumns.read(conn, schemaName, tableName);
        table = TableColumns.tableName(tableName);
        cidr = columns.require("cidr", table);
        family = columns.require("family", table);
        start = columns.require("range_start", table);
        end = columns.require("range_end", table);
        createdBy = columns.indexOf("created_by");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (BulkMode.on(conn)) {
            return; // relaygate import sends these columns itself, from the same NetworkRange.of (BulkImport)
        }
        Cidr parsed = parse(newRow[cidr]);
        NetworkRange range = NetworkRange.of(parsed);
        newRow[cidr] = parsed.toString();
        newRow[family] = range.family();
        newRow[start] = range.start();
        newRow[end] = range.end();
        if (oldRow == null && createdBy >= 0 && newRow[createdBy] == null) {
            newRow[createdBy] = SessionActor.of(conn).name();
        }
    }

    private Cidr parse(Object value) throws SQLException {
        try {
            return Cidr.parse(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
            // SQLSTATE 22018: invalid character value for cast, the closest standard class.
            throw new SQLException(table + ".cidr: " + e.getMessage(), "22018", 22018);
        }
    }
}
