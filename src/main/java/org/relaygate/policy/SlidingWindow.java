package org.relaygate.policy;

import java.util.Arrays;

/**
 * A sliding-window counter for a few kinds of events: a ring of {@code slots} fixed sub-buckets,
 * each holding one time slot's counts, and running totals over the live ones. Time is a slot
 * number (the caller divides the clock); the window is the newest slot and the {@code slots - 1}
 * before it, so an event stops counting between {@code slots - 1} and {@code slots} slots after it
 * happened (with 60 one-minute slots: between 59 and 60 minutes). Memory is fixed: kinds x slots ints.
 *
 * <p>Not thread-safe: its owner synchronizes.
 */
final class SlidingWindow {

    private final int slots;
    private final long[] slotAt;
    private final int[][] counts;
    private final int[] totals;
    private long newest = Long.MIN_VALUE;

    SlidingWindow(int kinds, int slots) {
        this.slots = slots;
        this.slotAt = new long[slots];
        Arrays.fill(slotAt, Long.MIN_VALUE);
        this.counts = new int[kinds][slots];
        this.totals = new int[kinds];
    }

    /**
     * Moves the window to end at {@code slot}: slots that fell out of it stop counting. A slot older
     * than the newest (the clock stepped back) leaves the window where it is.
     */
    void advance(long slot) {
        if (slot <= newest) {
            return;
        }
        long from = newest == Long.MIN_VALUE ? slot - slots + 1 : Math.max(newest + 1, slot - slots + 1);
        for (long s = from; s <= slot; s++) {
            int p = position(s);
            for (int k = 0; k < counts.length; k++) {
                totals[k] -= counts[k][p];
                counts[k][p] = 0;
            }
            slotAt[p] = s;
        }
        newest = slot;
    }

    /** Forgets everything, as if new. */
    void clear() {
        Arrays.fill(slotAt, Long.MIN_VALUE);
        for (int[] c : counts) {
            Arrays.fill(c, 0);
        }
        Arrays.fill(totals, 0);
        newest = Long.MIN_VALUE;
    }

    /** The newest slot, where {@link #add} counts. */
    long newest() {
        return newest;
    }

    void add(int kind, int n) {
        int p = position(newest);
        counts[kind][p] += n;
        totals[kind] += n;
    }

    /** Takes back up to {@code n} events counted in {@code slot}, if that slot still counts. */
    void remove(int kind, long slot, int n) {
        if (!live(slot)) {
            return;
        }
        int p = position(slot);
        int taken = Math.min(n, counts[kind][p]);
        counts[kind][p] -= taken;
        totals[kind] -= taken;
    }

    int total(int kind) {
        return totals[kind];
    }

    /** True when nothing counts any more: the window may be forgotten. */
    boolean empty() {
        for (int t : totals) {
            if (t != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first slot at which the total of {@code kind} is below {@code limit} again if nothing new
     * is counted: the oldest slots leave the window one by one. The newest slot when it already is.
     */
    long slotBelow(int kind, int limit) {
        int excess = totals[kind] - limit + 1;
        if (excess <= 0) {
            return newest;
        }
        int leaving = 0;
        for (long s = newest - slots + 1; s <= newest; s++) {
            leaving += live(s) ? counts[kind][position(s)] : 0;
            if (leaving >= excess) {
                return s + slots;
            }
        }
        return newest + slots;
    }

    private boolean live(long slot) {
        return slot <= newest && slot > newest - slots && slotAt[position(slot)] == slot;
    }

    private int position(long slot) {
        return (int) Math.floorMod(slot, (long) slots);
    }
}
