package org.relaygate.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket latency histogram: one {@link LongAdder} per bucket (non-cumulative, the last one
 * past every bound) and one for the sum. Recording is a short scan of a few longs and two adds:
 * no lock, no allocation (a LongAdder allocates its cells once, under contention only).
 */
final class Histogram {

    private final long[] upperBoundsNanos;
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    /** @param upperBoundsNanos strictly increasing, each bucket's inclusive upper bound */
    Histogram(long[] upperBoundsNanos) {
        for (int i = 1; i < upperBoundsNanos.length; i++) {
            if (upperBoundsNanos[i] <= upperBoundsNanos[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase");
            }
        }
        this.upperBoundsNanos = upperBoundsNanos.clone();
        this.buckets = new LongAdder[upperBoundsNanos.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        long value = Math.max(0, nanos); // a clock read out of order never makes a negative sum
        int i = 0;
        // Linear: most policy requests land in the first few buckets, so this beats a binary search.
        while (i < upperBoundsNanos.length && value > upperBoundsNanos[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(value);
    }

    /** What a scrape shows: cumulative counts, so each bucket is at least the one before, whatever races. */
    Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, sumNanos.sum());
    }

    /** {@code cumulative[i]}: observations at most the i-th upper bound; the last entry is the count (+Inf). */
    record Snapshot(long[] cumulative, long sumNanos) {
        long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
