package org.relaygate.registry;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** Renders the result of {@code relaygate sql}: every value as text, NULL as "NULL". */
final class SqlConsole {

    private SqlConsole() {
    }

    /** A query (it has columns) gives columns and rows with updateCount -1; anything else its update count. */
    static SqlResult result(RowSet<Row> rows) {
        List<String> columns = rows.columnsNames();
        if (columns == null || columns.isEmpty()) {
            return new SqlResult(List.of(), List.of(), Math.max(0, rows.rowCount()));
        }
        List<List<String>> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            List<String> values = new ArrayList<>(row.size());
            for (int i = 0; i < row.size(); i++) {
                Object v = row.getValue(i);
                values.add(v == null ? "NULL" : v.toString());
            }
            out.add(values);
        }
        return new SqlResult(List.copyOf(columns), out, -1);
    }
}
