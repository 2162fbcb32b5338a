package org.relaygate.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the audit_log rows after a mark changed, as far as the snapshot cares: which registrations
 * (to read again whole), whether blocks changed (then all are read again: there are few), and
 * whether the institution networks did. More than the maximum, a table this class does not know,
 * or no row at all means: reload in full. No row although the revision moved is a hand-made bump
 * ({@code UPDATE registry_meta SET revision = revision + 1}, the way to ask for a full reload) or a
 * statement that changed nothing: either way a full reload is right and rare.
 */
record AuditChanges(Set<Long> registrations, boolean blocks, boolean institution, boolean reloadInFull, int rows) {

    // Values are only needed for address rows: they name the registration ("registration_id=N").
    private static final String ROWS = "SELECT LOWER(table_name), row_id,"
            + " CASE WHEN LOWER(table_name) = 'registration_addresses' THEN old_value END,"
            + " CASE WHEN LOWER(table_name) = 'registration_addresses' THEN new_value END"
            + " FROM audit_log WHERE id > ? ORDER BY id LIMIT ?";
    private static final String KEY = "registration_id=";

    /** Reads at most {@code max} rows after {@code mark}; more than that: reload in full. */
    static AuditChanges read(Connection c, long mark, int max) throws SQLException {
        Set<Long> registrations = new TreeSet<>();
        boolean blocks = false;
        boolean institution = false;
        boolean unknown = false;
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(ROWS)) {
            ps.setLong(1, mark);
            ps.setInt(2, max + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    switch (rs.getString(1)) {
                        case "registrations" -> registrations.add(rs.getLong(2));
                        case "registration_addresses" -> unknown |= !registrationIds(rs, registrations);
                        case "blocks" -> blocks = true;
                        case "institution_networks" -> institution = true;
                        case "dynamic_pools", "outbox" -> { } // not in the snapshot
                        default -> unknown = true;
                    }
                }
            }
        }
        return new AuditChanges(registrations, blocks, institution, unknown || rows > max || rows == 0, rows);
    }

    /** Adds the registration named in the old and the new value (an UPDATE may move an address). */
    private static boolean registrationIds(ResultSet rs, Set<Long> into) throws SQLException {
        boolean found = false;
        for (int column = 3; column <= 4; column++) {
            String value = rs.getString(column);
            long id = value == null ? -1 : registrationId(value);
            if (id >= 0) {
                into.add(id);
                found = true;
            }
        }
        return found;
    }

    /** N from "..., registration_id=N, ..." (AuditValues writes it on every address row); -1 when absent. */
    static long registrationId(String value) {
        int at = value.toLowerCase(Locale.ROOT).indexOf(KEY);
        if (at < 0) {
            return -1;
        }
        int start = at + KEY.length();
        int end = start;
        while (end < value.length() && value.charAt(end) >= '0' && value.charAt(end) <= '9') {
            end++;
        }
        return end == start || end - start > 18 ? -1 : Long.parseLong(value.substring(start, end));
    }
}
