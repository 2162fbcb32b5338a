package org.relaygate.policy;

import java.util.Arrays;
import java.util.List;

/**
 * The IPv4 networks of a {@link CidrIndex}: first addresses as ints with the sign bit flipped, so
 * signed order is address order. XOR of two flipped values is the XOR of the addresses, which is all
 * containment needs.
 */
final class Ipv4Networks extends SortedNetworks {

    /** Input positions in one long, so a plain primitive sort gives a stable order. */
    private static final int MAX = 1 << 26;
    final int[] first;
    private RadixGuide guide;

    private Ipv4Networks(int n) {
        super(n);
        first = new int[n];
    }

    static <T> Ipv4Networks build(List<CidrIndex.Entry<T>> entries, int n) {
        if (n > MAX) {
            throw new IllegalArgumentException("more than " + MAX + " IPv4 networks");
        }
        // first (flipped) | prefix length | input position: sorting these longs sorts by address,
        // wider first, input order last, with no comparator and no boxing.
        long[] keys = new long[n];
        Object[] inputValues = new Object[n];
        int k = 0;
        for (CidrIndex.Entry<T> e : entries) {
            Cidr c = e.cidr();
            if (!c.v6()) {
                int flipped = (int) c.network().lo() ^ Integer.MIN_VALUE;
                keys[k] = (long) flipped << 32 | (long) c.prefixLength() << 26 | k;
                inputValues[k++] = e.value();
            }
        }
        Arrays.sort(keys);
        Ipv4Networks v = new Ipv4Networks(n);
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            v.first[i] = (int) (key >> 32);
            v.length[i] = (byte) ((key >>> 26) & 63);
            v.values[i] = inputValues[(int) (key & (MAX - 1))];
        }
        int[] firsts = v.first;
        v.guide = RadixGuide.build(n, i -> firsts[i]);
        v.link();
        return v;
    }

    /** Sorted position of the most specific network containing the address, or -1. */
    int find(int address) {
        int key = address ^ Integer.MIN_VALUE;
        if (guide.belowAll(key)) {
            return -1;
        }
        // the last network that starts at or below the address: within the key's bucket, or the
        // last one before the bucket
        int bucket = guide.bucket(key);
        int low = guide.from(bucket);
        int high = guide.to(bucket) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (first[mid] <= key) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        int found = high;
        for (int i = found; i >= 0; i = parent[i]) {
            if (((first[i] ^ key) & mask(length[i])) == 0) {
                return i;
            }
        }
        return -1;
    }

    static int mask(int length) {
        return (int) (-1L << (32 - length));
    }

    @Override
    boolean sameNetwork(int a, int b) {
        return first[a] == first[b] && length[a] == length[b];
    }

    @Override
    boolean containsFirst(int a, int b) {
        return ((first[a] ^ first[b]) & mask(length[a])) == 0;
    }

    @Override
    Cidr cidr(int i) {
        return new Cidr(new IpAddress(false, 0, (first[i] ^ Integer.MIN_VALUE) & 0xffffffffL), length[i]);
    }
}
