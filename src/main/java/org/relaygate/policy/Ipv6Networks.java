package org.relaygate.policy;

import java.util.List;

/**
 * The IPv6 networks of a {@link CidrIndex}: each first address as two longs side by side (one cache
 * line for both halves), sign bits flipped so signed order is address order.
 */
final class Ipv6Networks extends SortedNetworks {

    final long[] first;
    private RadixGuide guide;

    private Ipv6Networks(int n) {
        super(n);
        first = new long[2 * n];
    }

    static <T> Ipv6Networks build(List<CidrIndex.Entry<T>> entries, int n) {
        long[] hi = new long[n];
        long[] lo = new long[n];
        long[] len = new long[n];
        Object[] inputValues = new Object[n];
        int k = 0;
        for (CidrIndex.Entry<T> e : entries) {
            Cidr c = e.cidr();
            if (c.v6()) {
                hi[k] = c.network().hi();
                lo[k] = c.network().lo();
                len[k] = c.prefixLength();
                inputValues[k++] = e.value();
            }
        }
        // By address, wider first, input order last (the sort is stable).
        int[] order = StableSort.byUnsignedKeys(n, hi, lo, len);
        Ipv6Networks v = new Ipv6Networks(n);
        for (int i = 0; i < n; i++) {
            int o = order[i];
            v.first[2 * i] = hi[o] ^ Long.MIN_VALUE;
            v.first[2 * i + 1] = lo[o] ^ Long.MIN_VALUE;
            v.length[i] = (byte) len[o];
            v.values[i] = inputValues[o];
        }
        long[] firsts = v.first;
        v.guide = RadixGuide.build(n, i -> firsts[2 * i]); // the high halves
        v.link();
        return v;
    }

    int find(long hi, long lo) {
        long keyHi = hi ^ Long.MIN_VALUE;
        long keyLo = lo ^ Long.MIN_VALUE;
        if (guide.belowAll(keyHi)) {
            return -1;
        }
        // the last network that starts at or below the address: within the bucket of its high
        // half, or the last one before the bucket
        int bucket = guide.bucket(keyHi);
        int low = guide.from(bucket);
        int high = guide.to(bucket) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (atOrBelow(first, mid, keyHi, keyLo)) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        int found = high;
        for (int i = found; i >= 0; i = parent[i]) {
            int len = length[i] & 0xff;
            if (((first[2 * i] ^ keyHi) & hiMask(len)) == 0 && ((first[2 * i + 1] ^ keyLo) & loMask(len)) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** True when the pair at position i of keys is at or below the (flipped) address. */
    private static boolean atOrBelow(long[] keys, int i, long keyHi, long keyLo) {
        long h = keys[2 * i];
        return h < keyHi || (h == keyHi && keys[2 * i + 1] <= keyLo);
    }

    static long hiMask(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    static long loMask(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    @Override
    boolean sameNetwork(int a, int b) {
        return first[2 * a] == first[2 * b] && first[2 * a + 1] == first[2 * b + 1] && length[a] == length[b];
    }

    @Override
    boolean containsFirst(int a, int b) {
        int len = length[a] & 0xff;
        return ((first[2 * a] ^ first[2 * b]) & hiMask(len)) == 0 && ((first[2 * a + 1] ^ first[2 * b + 1]) & loMask(len)) == 0;
    }

    @Override
    Cidr cidr(int i) {
        return new Cidr(new IpAddress(true, first[2 * i] ^ Long.MIN_VALUE, first[2 * i + 1] ^ Long.MIN_VALUE), length[i] & 0xff);
    }
}
