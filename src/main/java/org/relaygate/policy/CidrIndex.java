package org.relaygate.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable longest-prefix-match index over IPv4 and IPv6 networks.
 *
 * <p>Each family keeps its networks sorted by first address (wider first at the same address,
 * input order last) in primitive arrays, and every network its parent: the nearest network that
 * contains it and is not the same network. A lookup is one binary search for the last network that
 * starts at or below the address, then a walk up the parents to the first one that contains it.
 * That is right because networks either nest or are disjoint: any network containing the address
 * starts at or below it, and so contains the one found, and is an ancestor of it. The walk is at
 * most one step per prefix length (33 or 129), and in practice one or two.
 *
 * <p>No per-entry objects are kept: the values in one array, the networks as numbers. {@link Entry}
 * objects are made only when {@link #longestMatchEntry} or {@link #matches} return them.
 *
 * <p>When the same network is given more than once, the later one in the input is the more
 * specific: callers order their input so the entry that should win comes last.
 */
public final class CidrIndex<T> {

    /** One network and what it maps to. */
    public record Entry<T>(Cidr cidr, T value) {
    }

    private static final CidrIndex<?> EMPTY = build(List.of());

    private final V4 v4;
    private final V6 v6;
    private final int size;

    private CidrIndex(V4 v4, V6 v6, int size) {
        this.v4 = v4;
        this.v6 = v6;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    public static <T> CidrIndex<T> empty() {
        return (CidrIndex<T>) EMPTY;
    }

    public static <T> CidrIndex<T> build(List<Entry<T>> entries) {
        int v6Count = 0;
        for (Entry<T> e : entries) {
            v6Count += e.cidr().v6() ? 1 : 0;
        }
        return new CidrIndex<>(V4.build(entries, entries.size() - v6Count), V6.build(entries, v6Count), entries.size());
    }

    public int size() {
        return size;
    }

    /** The value of the most specific network containing the address, or null. */
    @SuppressWarnings("unchecked")
    public T longestMatch(IpAddress address) {
        Family f = family(address);
        int i = find(f, address);
        return i < 0 ? null : (T) f.values[i];
    }

    /** The most specific entry containing the address, or null. */
    public Entry<T> longestMatchEntry(IpAddress address) {
        Family f = family(address);
        int i = find(f, address);
        return i < 0 ? null : entry(f, i);
    }

    /** Every entry containing the address, most specific first; empty when none. */
    public List<Entry<T>> matches(IpAddress address) {
        Family f = family(address);
        int i = find(f, address);
        if (i < 0) {
            return List.of();
        }
        List<Entry<T>> out = new ArrayList<>(2);
        for (; i >= 0; i = f.parent[i]) {
            // The found network is the last of its duplicates; the earlier ones sit just before it.
            int d = i;
            do {
                out.add(entry(f, d));
                d--;
            } while (d >= 0 && f.sameNetwork(d, i));
        }
        return Collections.unmodifiableList(out);
    }

    private Family family(IpAddress address) {
        return address.v6() ? v6 : v4;
    }

    private int find(Family f, IpAddress address) {
        return f == v4 ? v4.find((int) address.lo()) : v6.find(address.hi(), address.lo());
    }

    @SuppressWarnings("unchecked")
    private Entry<T> entry(Family f, int i) {
        return new Entry<>(f.cidr(i), (T) f.values[i]);
    }

    /**
     * Every BLOCK-th first address is copied into a small top array (150 KB for 600,000 IPv4
     * networks) that stays in cache, so a search touches one or two blocks of the big array instead
     * of a cache miss at each of its last ten halvings.
     */
    private static final int BLOCK = 16;

    /** Both families: values and parents by sorted position, and the prefix lengths. */
    private abstract static class Family {
        final Object[] values;
        final int[] parent;
        final byte[] length;

        Family(int n) {
            values = new Object[n];
            parent = new int[n];
            length = new byte[n];
        }

        abstract boolean sameNetwork(int a, int b);

        /** True when network a contains the first address of network b. */
        abstract boolean containsFirst(int a, int b);

        abstract Cidr cidr(int i);

        /**
         * Fills {@code parent} from the sorted networks: a stack of open networks, each inside the one
         * below it. A duplicate replaces the top (so a parent is always the last of its duplicates).
         */
        final void link() {
            int[] stack = new int[130];
            int depth = 0;
            for (int i = 0; i < parent.length; i++) {
                while (depth > 0 && !containsFirst(stack[depth - 1], i)) {
                    depth--;
                }
                if (depth > 0 && sameNetwork(stack[depth - 1], i)) {
                    depth--;
                }
                parent[i] = depth == 0 ? -1 : stack[depth - 1];
                stack[depth++] = i;
            }
        }
    }

    /**
     * IPv4: first addresses as ints with the sign bit flipped, so signed order is address order.
     * XOR of two flipped values is the XOR of the addresses, which is all containment needs.
     */
    private static final class V4 extends Family {
        /** Input positions in one long, so a plain primitive sort gives a stable order. */
        private static final int MAX = 1 << 26;
        final int[] first;
        final int[] top;

        private V4(int n) {
            super(n);
            first = new int[n];
            top = new int[(n + BLOCK - 1) / BLOCK];
        }

        static <T> V4 build(List<Entry<T>> entries, int n) {
            if (n > MAX) {
                throw new IllegalArgumentException("more than " + MAX + " IPv4 networks");
            }
            // first (flipped) | prefix length | input position: sorting these longs sorts by address,
            // wider first, input order last, with no comparator and no boxing.
            long[] keys = new long[n];
            Object[] inputValues = new Object[n];
            int k = 0;
            for (Entry<T> e : entries) {
                Cidr c = e.cidr();
                if (!c.v6()) {
                    int flipped = (int) c.network().lo() ^ Integer.MIN_VALUE;
                    keys[k] = (long) flipped << 32 | (long) c.prefixLength() << 26 | k;
                    inputValues[k++] = e.value();
                }
            }
            java.util.Arrays.sort(keys);
            V4 v = new V4(n);
            for (int i = 0; i < n; i++) {
                long key = keys[i];
                v.first[i] = (int) (key >> 32);
                v.length[i] = (byte) ((key >>> 26) & 63);
                v.values[i] = inputValues[(int) (key & (MAX - 1))];
            }
            for (int j = 0; j < v.top.length; j++) {
                v.top[j] = v.first[j * BLOCK];
            }
            v.link();
            return v;
        }

        /** Sorted position of the most specific network containing the address, or -1. */
        int find(int address) {
            int key = address ^ Integer.MIN_VALUE;
            int low = 0;
            int high = top.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (top[mid] <= key) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            if (high < 0) {
                return -1;
            }
            // the last network of block `high` that starts at or below the address
            int start = high * BLOCK;
            int end = Math.min(start + BLOCK, first.length);
            int found = start;
            while (found + 1 < end && first[found + 1] <= key) {
                found++;
            }
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

    /**
     * IPv6: each first address as two longs side by side (one cache line for both halves), sign bits
     * flipped so signed order is address order.
     */
    private static final class V6 extends Family {
        final long[] first;
        final long[] top;

        private V6(int n) {
            super(n);
            first = new long[2 * n];
            top = new long[2 * ((n + BLOCK - 1) / BLOCK)];
        }

        static <T> V6 build(List<Entry<T>> entries, int n) {
            long[] hi = new long[n];
            long[] lo = new long[n];
            long[] len = new long[n];
            Object[] inputValues = new Object[n];
            int k = 0;
            for (Entry<T> e : entries) {
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
            V6 v = new V6(n);
            for (int i = 0; i < n; i++) {
                int o = order[i];
                v.first[2 * i] = hi[o] ^ Long.MIN_VALUE;
                v.first[2 * i + 1] = lo[o] ^ Long.MIN_VALUE;
                v.length[i] = (byte) len[o];
                v.values[i] = inputValues[o];
            }
            for (int j = 0; j < v.top.length / 2; j++) {
                v.top[2 * j] = v.first[2 * j * BLOCK];
                v.top[2 * j + 1] = v.first[2 * j * BLOCK + 1];
            }
            v.link();
            return v;
        }

        int find(long hi, long lo) {
            long keyHi = hi ^ Long.MIN_VALUE;
            long keyLo = lo ^ Long.MIN_VALUE;
            int low = 0;
            int high = top.length / 2 - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (atOrBelow(top, mid, keyHi, keyLo)) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            if (high < 0) {
                return -1;
            }
            int start = high * BLOCK;
            int end = Math.min(start + BLOCK, length.length);
            int found = start;
            while (found + 1 < end && atOrBelow(first, found + 1, keyHi, keyLo)) {
                found++;
            }
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
}
