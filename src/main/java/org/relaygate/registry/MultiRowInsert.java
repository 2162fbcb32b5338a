package org.relaygate.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * INSERT of many rows per statement ({@code VALUES (?, ?), (?, ?), ...}): through H2's auto-server
 * every statement is a network round trip, and a JDBC batch is still one per row. The full-size
 * statement is prepared once and reused; the generated ids come back in row order.
 */
final class MultiRowInsert implements AutoCloseable {

    private final Connection conn;
    private final String head;
    private final String tuple;
    private final int columns;
    private final int rowsPerStatement;
    private final boolean keys;
    private PreparedStatement full;

    /** valueSql: the row's SQL, e.g. "(?, ?, 'INSERT')"; its ? are the columns' values in order. */
    MultiRowInsert(Connection conn, String table, String columnList, String valueSql, int rowsPerStatement, boolean keys) {
        this.conn = conn;
        this.head = "INSERT INTO " + table + " (" + columnList + ") VALUES ";
        this.tuple = valueSql;
        this.columns = (int) valueSql.chars().filter(c -> c == '?').count();
        this.rowsPerStatement = rowsPerStatement;
        this.keys = keys;
    }

    /** Inserts the rows (each with one value per ?); their generated ids in order, or null without keys. */
    long[] insert(List<Object[]> rows) throws SQLException {
        long[] ids = keys ? new long[rows.size()] : null;
        for (int from = 0; from < rows.size(); from += rowsPerStatement) {
            int n = Math.min(rowsPerStatement, rows.size() - from);
            if (n == rowsPerStatement) {
                if (full == null) {
                    full = prepare(n);
                }
                execute(full, rows, from, n, ids);
            } else {
                try (PreparedStatement ps = prepare(n)) {
                    execute(ps, rows, from, n, ids);
                }
            }
        }
        return ids;
    }

    private PreparedStatement prepare(int rows) throws SQLException {
        StringBuilder sql = new StringBuilder(head.length() + rows * (tuple.length() + 2)).append(head);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(tuple);
        }
        return keys ? conn.prepareStatement(sql.toString(), new String[] {"ID"}) : conn.prepareStatement(sql.toString());
    }

    private void execute(PreparedStatement ps, List<Object[]> rows, int from, int n, long[] ids) throws SQLException {
        int p = 1;
        for (int r = from; r < from + n; r++) {
            Object[] row = rows.get(r);
            if (row.length != columns) {
                throw new IllegalArgumentException("row has " + row.length + " values for " + columns + " columns");
            }
            for (Object v : row) {
                ps.setObject(p++, v);
            }
        }
        ps.executeUpdate();
        if (keys) {
            try (ResultSet rs = ps.getGeneratedKeys()) {
                int i = from;
                while (rs.next()) {
                    ids[i++] = rs.getLong(1);
                }
                if (i != from + n) {
                    throw new SQLException("expected " + n + " generated ids, got " + (i - from));
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (full != null) {
            full.close();
        }
    }
}
