package org.relaygate.policy;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sliding windows of the registrations that sent recently, one per registration. Bounded: idle
 * windows (nothing counts any more) are dropped once per window length, and when the table is full
 * the least recently used tenth goes too (their limits restart: counted in {@link #evictedBusy}).
 */
final class UsageTable {

    static final int KINDS = 4;

    /** One registration's window and auto-suspension state; guarded by itself. */
    static final class Usage {
        final SlidingWindow window;
        /** Changes whenever the window starts afresh, so messages counted in an older one are not corrected in it. */
        long generation;
        /** The registration's row stamp the window belongs to. */
        long stamp;
        /** The limit it went far past (auto-suspension tripped): every request is deferred until the stamp changes. */
        String suspendingLimit;
        /** Dropped from the table: whoever still holds it must look it up again. */
        boolean removed;
        volatile long lastUse;

        Usage(int slots, long generation, long stamp) {
            this.window = new SlidingWindow(KINDS, slots);
            this.generation = generation;
            this.stamp = stamp;
        }
    }

    private final int slots;
    private final int capacity;
    private final ConcurrentHashMap<Long, Usage> usages = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private final AtomicLong uses = new AtomicLong();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong evictedBusy = new AtomicLong();

    UsageTable(int slots, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.slots = slots;
        this.capacity = capacity;
    }

    /** The registration's window, created when it has none (making room first when the table is full). */
    Usage getOrCreate(long registrationId, long slot, long stamp) {
        Usage u = usages.get(registrationId);
        if (u != null) {
            return u;
        }
        if (usages.size() >= capacity) {
            sweep(slot, true);
        }
        return usages.computeIfAbsent(registrationId, k -> new Usage(slots, generations.incrementAndGet(), stamp));
    }

    /** The registration's window, or null when it has none. */
    Usage get(long registrationId) {
        return usages.get(registrationId);
    }

    /**
     * With the lock held: moves the window to {@code slot}, starting afresh when the registration's
     * row changed (a new stamp: re-approved, limits changed) so old counts never judge it.
     */
    void prepare(Usage u, long stamp, long slot) {
        if (u.stamp != stamp) {
            u.window.clear();
            u.stamp = stamp;
            u.generation = generations.incrementAndGet();
            u.suspendingLimit = null;
        }
        u.window.advance(slot);
        u.lastUse = uses.incrementAndGet();
    }

    /** Drops idle windows once per window length; the first caller in a new period does it. */
    void sweepIfDue(long slot) {
        long due = nextSweep.get();
        if (slot >= due && nextSweep.compareAndSet(due, slot + slots)) {
            sweep(slot, false);
        }
    }

    int size() {
        return usages.size();
    }

    long evictedBusy() {
        return evictedBusy.get();
    }

    /**
     * Drops idle windows; when {@code full} and that freed too little, also the least recently used
     * tenth, so the next full sweep is a tenth of the capacity of new registrations away.
     */
    private void sweep(long slot, boolean full) {
        for (Iterator<Map.Entry<Long, Usage>> it = usages.entrySet().iterator(); it.hasNext(); ) {
            Usage u = it.next().getValue();
            synchronized (u) {
                u.window.advance(slot);
                if (u.window.empty()) {
                    u.removed = true;
                    it.remove();
                }
            }
        }
        if (full && usages.size() >= capacity * 9L / 10) {
            dropLeastRecentlyUsed();
        }
    }

    private void dropLeastRecentlyUsed() {
        long[] used = usages.values().stream().mapToLong(u -> u.lastUse).toArray();
        if (used.length == 0) {
            return;
        }
        Arrays.sort(used);
        long threshold = used[Math.max(0, used.length / 10 - 1)];
        for (Iterator<Map.Entry<Long, Usage>> it = usages.entrySet().iterator(); it.hasNext(); ) {
            Usage u = it.next().getValue();
            synchronized (u) {
                if (u.lastUse <= threshold) {
                    u.removed = true;
                    it.remove();
                    evictedBusy.incrementAndGet();
                }
            }
        }
    }
}
