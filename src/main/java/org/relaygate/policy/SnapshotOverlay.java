package org.relaygate.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrations changed since a snapshot's last full build: their ids mask every entry of
 * theirs in the big base indexes, and their current networks sit in two small indexes of their own.
 * A change touching a handful of registrations thus costs a handful of entries, not a rebuild of a
 * million.
 *
 * <p>Immutable; {@link #with} returns a merged copy (later changes replace earlier ones of the same
 * registration). The masked ids are a sorted {@code long[]} so the request path checks them with
 * a binary search, no boxing.
 */
final class SnapshotOverlay {

    static final SnapshotOverlay NONE = new SnapshotOverlay(Map.of());

    private final Map<Long, List<RegisteredAddress>> byRegistration;
    private final long[] masked;
    private final CidrIndex<RegisteredAddress> live;
    private final CidrIndex<RegisteredAddress> revoked;

    private SnapshotOverlay(Map<Long, List<RegisteredAddress>> byRegistration) {
        this.byRegistration = byRegistration;
        this.masked = byRegistration.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        List<RegisteredAddress> all = new ArrayList<>();
        byRegistration.values().forEach(all::addAll);
        Snapshot.Indexes indexes = Snapshot.Indexes.of(all);
        this.live = indexes.live();
        this.revoked = indexes.revoked();
    }

    /**
     * This overlay with the given registrations replaced by their current networks (an empty
     * collection: the registration has none now, or is gone).
     */
    SnapshotOverlay with(Map<Long, ? extends Collection<RegisteredAddress>> changed) {
        if (changed.isEmpty()) {
            return this;
        }
        Map<Long, List<RegisteredAddress>> merged = new HashMap<>(byRegistration);
        changed.forEach((id, networks) -> {
            for (RegisteredAddress a : networks) {
                if (a.registrationId() != id) {
                    throw new IllegalArgumentException("network " + a.cidr() + " of registration "
                            + a.registrationId() + " given under registration " + id);
                }
            }
            merged.put(id, List.copyOf(networks));
        });
        return new SnapshotOverlay(merged);
    }

    boolean isEmpty() {
        return masked.length == 0;
    }

    /** Number of registrations this overlay replaces. */
    int registrations() {
        return masked.length;
    }

    boolean masks(long registrationId) {
        return Arrays.binarySearch(masked, registrationId) >= 0;
    }

    CidrIndex<RegisteredAddress> live() {
        return live;
    }

    CidrIndex<RegisteredAddress> revoked() {
        return revoked;
    }
}
