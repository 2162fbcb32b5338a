package org.relaygate.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;

/**
 * What a full load needs of every registration, in parallel arrays sorted by id: the address rows
 * are then joined in Java by a binary search. Two sequential scans (registrations, then
 * registration_addresses) read each page once, where H2's join looked a registration up in its
 * index for each of a million addresses; and the arrays cost ~17 bytes per registration where a
 * map of boxed ids cost several times that in garbage.
 */
final class RegistrationTable {

    /** Read in id order (the primary key: no sort), so ids come out ascending. */
    static final String QUERY = "SELECT id, status, status_reason, max_messages_per_hour,"
            + " max_recipients_per_message, max_recipients_per_hour, updated_at FROM registrations ORDER BY id";
    private static final RegistrationStatus[] STATUSES = RegistrationStatus.values();

    private long[] ids = new long[1024];
    private byte[] statuses = new byte[1024];
    private String[] reasons = new String[1024];
    // Only ACTIVE registrations are ever limited: all others share the defaults.
    private RegistrationLimits[] limits = new RegistrationLimits[1024];
    private int size;

    static RegistrationTable read(ResultSet rs) throws SQLException {
        RegistrationTable t = new RegistrationTable();
        while (rs.next()) {
            long id = rs.getLong(1);
            RegistrationStatus status;
            try {
                status = RegistrationStatus.parse(rs.getString(2));
            } catch (IllegalArgumentException e) {
                continue; // the CHECK constraint prevents it; its addresses are then skipped, never granted
            }
            String reason = rs.getString(3);
            t.add(id, status, reason == null ? "" : reason,
                    status == RegistrationStatus.ACTIVE ? LimitSql.limits(rs, 4) : RegistrationLimits.DEFAULTS);
        }
        return t;
    }

    private void add(long id, RegistrationStatus status, String reason, RegistrationLimits limit) {
        if (size > 0 && id <= ids[size - 1]) {
            throw new IllegalStateException("registrations not in id order at " + id);
        }
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            statuses = Arrays.copyOf(statuses, n);
            reasons = Arrays.copyOf(reasons, n);
            limits = Arrays.copyOf(limits, n);
        }
        ids[size] = id;
        statuses[size] = (byte) status.ordinal();
        reasons[size] = reason;
        limits[size] = limit;
        size++;
    }

    /** The network of one address row as the snapshot sees it; null when its registration is unknown. */
    RegisteredAddress address(long registrationId, Cidr cidr) {
        int i = Arrays.binarySearch(ids, 0, size, registrationId);
        return i < 0 ? null : new RegisteredAddress(registrationId, cidr, STATUSES[statuses[i]], reasons[i], limits[i]);
    }
}
