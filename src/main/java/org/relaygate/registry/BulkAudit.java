package org.relaygate.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The import's audit rows for a range of new ids, computed by H2 itself ({@code INSERT INTO audit_log
 * ... SELECT ... FROM table WHERE id BETWEEN ? AND ?}): the {@code column=value, ...} text
 * {@link AuditValues#row} renders, as SQL string concatenation. Saves building ~2 million strings in
 * Java and sending them back over the wire (the auto-server) for a million-row import.
 *
 * <p>Equal to the trigger's text because of what the import writes: every text value passed
 * register's rules, which refuse control characters (so {@code Text.oneLine} changes nothing), and
 * the only timestamp the import writes is its transaction's {@code now}, whose Java text is passed
 * as a parameter. A column type whose SQL text could differ from Java's {@code toString} makes
 * {@link #of} answer null, and the importer renders the rows in Java as before.
 */
final class BulkAudit implements AutoCloseable {

    /** SQL CAST(... AS VARCHAR) prints these as Java's toString does (DATE: years 1000-9999, as register allows). */
    private static final Set<String> AS_JAVA = Set.of("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "CHARACTER VARYING",
            "VARCHAR", "DATE");
    private static final Set<String> HIDDEN = Set.of("family", "range_start", "range_end", "updated_at");

    private final PreparedStatement insert;
    private final int timestampParameters;
    private final String now;

    private BulkAudit(PreparedStatement insert, int timestampParameters, String now) {
        this.insert = insert;
        this.timestampParameters = timestampParameters;
        this.now = now;
    }

    /** The set-wise audit INSERT for table (H2's upper-case name), or null when a column type is not one it renders. */
    static BulkAudit of(Connection conn, String h2Table, OffsetDateTime now, SessionActor who) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, conn.getSchema(), h2Table, null)) {
            while (rs.next()) {
                int position = rs.getInt("ORDINAL_POSITION");
                while (names.size() < position) {
                    names.add(null);
                    types.add(null);
                }
                names.set(position - 1, rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                types.set(position - 1, rs.getString("TYPE_NAME").toUpperCase(Locale.ROOT));
            }
        }
        StringBuilder text = new StringBuilder();
        int timestamps = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || HIDDEN.contains(name)) {
                continue;
            }
            String value;
            if (AS_JAVA.contains(types.get(i))) {
                value = "COALESCE(CAST(" + name + " AS VARCHAR), 'NULL')";
            } else if (types.get(i).startsWith("TIMESTAMP") && types.get(i).endsWith("WITH TIME ZONE")) {
                value = "CASE WHEN " + name + " IS NULL THEN 'NULL' ELSE CAST(? AS VARCHAR) END";
                timestamps++;
            } else {
                return null;
            }
            text.append(text.length() == 0 ? "" : " || ', ' || ").append("'").append(name).append("=' || ").append(value);
        }
        if (text.length() == 0) {
            return null;
        }
        String sql = "INSERT INTO audit_log (actor, source, table_name, row_id, operation, new_value) SELECT ?, ?, '"
                + TableColumns.tableName(h2Table) + "', id, 'INSERT', " + text + " FROM " + h2Table
                + " WHERE id BETWEEN ? AND ? ORDER BY id";
        PreparedStatement ps = conn.prepareStatement(sql);
        ps.setString(1, who.name());
        ps.setString(2, who.source());
        return new BulkAudit(ps, timestamps, now.toString());
    }

    /** Writes the audit rows of ids first..last (all new rows of this import); the number written. */
    int write(long first, long last) throws SQLException {
        int p = 3;
        for (int i = 0; i < timestampParameters; i++) {
            insert.setString(p++, now);
        }
        insert.setLong(p++, first);
        insert.setLong(p, last);
        return insert.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
