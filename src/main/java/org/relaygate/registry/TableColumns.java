package org.relaygate.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The column names of a table in row order (lower case), as a trigger's row arrays hold them. */
final class TableColumns {

    private final List<String> names;

    private TableColumns(List<String> names) {
        this.names = List.copyOf(names);
    }

    /**
     * The table's own name, lower case. ALTER TABLE ... ADD COLUMN makes H2 copy the table to
     * {@code NAME_COPY_<session>_<n>} (Database.getTempTableName), create its triggers on the copy
     * (so their init sees that name), then rename the copy: a trigger initialized then would
     * otherwise write the copy's name into audit_log for as long as the process runs.
     */
    static String tableName(String h2Name) {
        return h2Name.replaceFirst("(?i)_COPY_\\d+_\\d+$", "").toLowerCase(Locale.ROOT);
    }

    static TableColumns read(Connection conn, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schema, table, null)) {
            while (rs.next()) {
                int position = rs.getInt("ORDINAL_POSITION");
                while (names.size() < position) {
                    names.add(null);
                }
                names.set(position - 1, rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (names.isEmpty()) {
            throw new SQLException("no columns found for table " + schema + "." + table);
        }
        return new TableColumns(names);
    }

    int size() {
        return names.size();
    }

    String name(int index) {
        return names.get(index);
    }

    /** The index of the column, or -1 when the table has none of that name. */
    int indexOf(String name) {
        return names.indexOf(name);
    }

    int require(String name, String table) throws SQLException {
        int index = indexOf(name);
        if (index < 0) {
            throw new SQLException("table " + table + " has no column " + name);
        }
        return index;
    }
}
