package org.relaygate.policy;

/**
 * A direct-mapped guide into a sorted array of keys: the key range [min, max] is cut into 2^k equal
 * buckets (about one per two keys), and {@code start[b]} is the first sorted position whose key falls
 * in bucket b or later. A lookup computes its bucket with one subtraction and one shift and then
 * searches only that bucket's few positions, so it touches the guide, one block of keys and the
 * entry itself: two or three cache misses instead of one per level of a binary search. Clustered
 * keys (a campus's few /16s, IPv6 sites) make some buckets crowded, but a bucket spans about
 * 2 x range / n addresses, so for /32 hosts its crowd is bounded by the address space: only keys
 * that are equal or nearly so (IPv6 /128 hosts in one /64: the guide keys on the high half) share a
 * bucket in large numbers, and they are then one binary search, as before the guide. A guide per
 * crowded bucket was tried: it cost more than it saved on the benchmark's data (BENCHMARKS.md).
 *
 * <p>Keys are longs compared as signed values (the callers flip sign bits so that signed order is
 * address order); the bucket of a key is the unsigned difference to {@code min}, shifted.
 */
final class RadixGuide {

    /** Never more buckets than this (4M ints = 16 MB), whatever the number of keys. */
    private static final int MAX_BITS = 22;

    private final long min;
    private final long max;
    private final int shift;
    /** start[b] for b in 0..buckets, start[buckets] = n. */
    private final int[] start;

    private RadixGuide(long min, long max, int shift, int[] start) {
        this.min = min;
        this.max = max;
        this.shift = shift;
        this.start = start;
    }

    /** The guide for {@code n} keys, where {@code key.at(i)} is sorted ascending (signed). */
    static RadixGuide build(int n, KeyAt key) {
        if (n == 0) {
            return new RadixGuide(0, -1, 0, new int[] {0, 0});
        }
        long min = key.at(0);
        long max = key.at(n - 1);
        int bits = Math.max(1, Math.min(MAX_BITS, 32 - Integer.numberOfLeadingZeros(n) - 1));
        // The range's width in bits (the unsigned difference), so that range >>> shift < 2^bits.
        int rangeBits = 64 - Long.numberOfLeadingZeros(max - min);
        int shift = Math.max(0, rangeBits - bits);
        int buckets = (int) ((max - min) >>> shift) + 1;
        int[] start = new int[buckets + 1];
        int b = 0;
        for (int i = 0; i < n; i++) {
            int bucket = (int) ((key.at(i) - min) >>> shift);
            while (b <= bucket) {
                start[b++] = i;
            }
        }
        while (b <= buckets) {
            start[b++] = n;
        }
        return new RadixGuide(min, max, shift, start);
    }

    /** The sorted keys, by position. */
    @FunctionalInterface
    interface KeyAt {
        long at(int i);
    }

    /** Below every key: no entry starts at or before it. */
    boolean belowAll(long key) {
        return key < min;
    }

    /**
     * The bucket of a key within [min, max]; a key above max maps past the last bucket, where
     * {@link #from} and {@link #to} give the empty range at the end.
     */
    int bucket(long key) {
        return key > max ? start.length - 1 : (int) ((key - min) >>> shift);
    }

    /** First sorted position in the bucket. */
    int from(int bucket) {
        return start[bucket];
    }

    /** One past the last sorted position in the bucket. */
    int to(int bucket) {
        return bucket + 1 < start.length ? start[bucket + 1] : start[bucket];
    }
}
