package org.relaygate.registry;

import java.util.List;

/** At most a page of registrations, in the order asked for, and how many matched in all. */
public record RegistrationList(List<Registration> registrations, long total) {

    public RegistrationList {
        registrations = List.copyOf(registrations);
    }

    /** Whether more matched than are in the list. */
    public boolean truncated() {
        return total > registrations.size();
    }

    /** How many matched beyond the list. */
    public long more() {
        return Math.max(0, total - registrations.size());
    }
}
