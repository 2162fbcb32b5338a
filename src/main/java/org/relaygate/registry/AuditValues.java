package org.relaygate.registry;

import java.util.Objects;
import java.util.Set;
import org.relaygate.policy.Text;

/**
 * Renders trigger rows as the audit log's readable {@code column=value, ...} text. The computed
 * range columns are left out (they follow from cidr), and so is updated_at (the audit row has its
 * own time). For an UPDATE only changed columns are shown, plus registration_id so an address
 * row can always be traced to its registration.
 */
final class AuditValues {

    private static final Set<String> HIDDEN = Set.of("family", "range_start", "range_end", "updated_at");
    private static final String KEY = "registration_id";

    private AuditValues() {
    }

    /** The whole row (INSERT's new value, DELETE's old value). */
    static String row(TableColumns columns, Object[] row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (!HIDDEN.contains(columns.name(i))) {
                append(sb, columns.name(i), row[i]);
            }
        }
        return sb.toString();
    }

    /** The changed columns of {@code row} compared with {@code other}, plus registration_id. */
    static String changed(TableColumns columns, Object[] row, Object[] other) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.name(i);
            boolean changed = !Objects.equals(row[i], other[i]);
            if (!HIDDEN.contains(name) && (changed || name.equals(KEY))) {
                append(sb, name, row[i]);
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, Object value) {
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(name).append('=').append(value == null ? "NULL" : Text.oneLine(value.toString()));
    }

    /** A SQL LIKE pattern pair that finds rows of one registration in the rendered values. */
    static String[] registrationPatterns(long registrationId) {
        return new String[] {"%" + KEY + "=" + registrationId + ",%", "%" + KEY + "=" + registrationId};
    }
}
