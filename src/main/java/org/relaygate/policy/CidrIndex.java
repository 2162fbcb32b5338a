package org.relaygate.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable longest-prefix-match index over IPv4 and IPv6 networks.
 *
 * <p>Nested networks are flattened into disjoint address ranges, each pointing at its most specific
 * entry, so a lookup is one binary search over primitive arrays: no allocation, no tree walk. Every
 * entry also keeps its parent (the next less specific network that contains it), so all covering
 * entries can be listed most specific first; the engine uses that to step past an expired block.
 *
 * <p>When the same network is given more than once, the later one in the input is the more
 * specific: callers order their input so the entry that should win comes last.
 */
public final class CidrIndex<T> {

    /** One network and what it maps to. */
    public record Entry<T>(Cidr cidr, T value) {
    }

    private final Ranges v4;
    private final Ranges v6;
    private final int size;

    private CidrIndex(Ranges v4, Ranges v6, int size) {
        this.v4 = v4;
        this.v6 = v6;
        this.size = size;
    }

    public static <T> CidrIndex<T> empty() {
        return build(List.of());
    }

    public static <T> CidrIndex<T> build(List<Entry<T>> entries) {
        List<Entry<T>> v4Entries = new ArrayList<>();
        List<Entry<T>> v6Entries = new ArrayList<>();
        for (Entry<T> e : entries) {
            (e.cidr().v6() ? v6Entries : v4Entries).add(e);
        }
        return new CidrIndex<>(Ranges.build(v4Entries), Ranges.build(v6Entries), entries.size());
    }

    public int size() {
        return size;
    }

    /** The value of the most specific network containing the address, or null. */
    @SuppressWarnings("unchecked")
    public T longestMatch(IpAddress address) {
        Ranges r = address.v6() ? v6 : v4;
        int entry = r.find(address.hi(), address.lo());
        return entry < 0 ? null : ((Entry<T>) r.entries[entry]).value();
    }

    /** The most specific entry containing the address, or null. */
    @SuppressWarnings("unchecked")
    public Entry<T> longestMatchEntry(IpAddress address) {
        Ranges r = address.v6() ? v6 : v4;
        int entry = r.find(address.hi(), address.lo());
        return entry < 0 ? null : (Entry<T>) r.entries[entry];
    }

    /** Every entry containing the address, most specific first; empty when none. */
    @SuppressWarnings("unchecked")
    public List<Entry<T>> matches(IpAddress address) {
        Ranges r = address.v6() ? v6 : v4;
        int entry = r.find(address.hi(), address.lo());
        if (entry < 0) {
            return List.of();
        }
        List<Entry<T>> out = new ArrayList<>(2);
        for (int e = entry; e >= 0; e = r.parent[e]) {
            out.add((Entry<T>) r.entries[e]);
        }
        return Collections.unmodifiableList(out);
    }

    /** Disjoint ranges of one address family, sorted by start; 128-bit keys compared unsigned. */
    private static final class Ranges {
        final Object[] entries;
        final int[] parent;
        final long[] startHi;
        final long[] startLo;
        final int[] owner;
        final int count;

        private Ranges(Object[] entries, int[] parent, long[] startHi, long[] startLo, int[] owner, int count) {
            this.entries = entries;
            this.parent = parent;
            this.startHi = startHi;
            this.startLo = startLo;
            this.owner = owner;
            this.count = count;
        }

        /** Index of the owning entry of the range that holds the key, or -1. */
        int find(long hi, long lo) {
            int low = 0;
            int high = count - 1;
            int found = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int c = compare(startHi[mid], startLo[mid], hi, lo);
                if (c <= 0) {
                    found = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return found < 0 ? -1 : owner[found];
        }

        static <T> Ranges build(List<Entry<T>> list) {
            int n = list.size();
            Object[] entries = list.toArray();
            long[] firstHi = new long[n];
            long[] firstLo = new long[n];
            long[] lastHi = new long[n];
            long[] lastLo = new long[n];
            int[] length = new int[n];
            for (int i = 0; i < n; i++) {
                Cidr c = list.get(i).cidr();
                IpAddress last = c.last();
                firstHi[i] = c.first().hi();
                firstLo[i] = c.first().lo();
                lastHi[i] = last.hi();
                lastLo[i] = last.lo();
                length[i] = c.prefixLength();
            }
            // Wider networks first at the same start, input order last: a stable sort keeps
            // duplicates in input order, so the later duplicate nests inside the earlier one.
            int[] order = StableSort.sort(n, (a, b) -> {
                int c = compare(firstHi[a], firstLo[a], firstHi[b], firstLo[b]);
                return c != 0 ? c : Integer.compare(length[a], length[b]);
            });
            Builder b = new Builder(n);
            int[] parent = new int[n];
            int[] stack = new int[Math.max(1, Math.min(n, 130))];
            int depth = 0;
            for (int k = 0; k < n; k++) {
                int e = order[k];
                while (depth > 0 && compare(lastHi[stack[depth - 1]], lastLo[stack[depth - 1]], firstHi[e], firstLo[e]) < 0) {
                    depth = close(b, stack, depth, lastHi, lastLo);
                }
                parent[e] = depth == 0 ? -1 : stack[depth - 1];
                b.add(firstHi[e], firstLo[e], e);
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                }
                stack[depth++] = e;
            }
            while (depth > 0) {
                depth = close(b, stack, depth, lastHi, lastLo);
            }
            return new Ranges(entries, parent, b.hi, b.lo, b.owner, b.count);
        }

        /** Pops the top network; the range after its end belongs to the network below it, if any. */
        private static int close(Builder b, int[] stack, int depth, long[] lastHi, long[] lastLo) {
            int closed = stack[--depth];
            long hi = lastHi[closed];
            long lo = lastLo[closed];
            long nextLo = lo + 1;
            long nextHi = nextLo == 0 ? hi + 1 : hi;
            boolean overflow = nextLo == 0 && nextHi == 0;
            if (!overflow) {
                b.add(nextHi, nextLo, depth == 0 ? -1 : stack[depth - 1]);
            }
            return depth;
        }

        static int compare(long hiA, long loA, long hiB, long loB) {
            int c = Long.compareUnsigned(hiA, hiB);
            return c != 0 ? c : Long.compareUnsigned(loA, loB);
        }
    }

    /** Appends ranges; a range at the same start replaces the previous one, equal neighbours merge. */
    private static final class Builder {
        long[] hi;
        long[] lo;
        int[] owner;
        int count;

        Builder(int entries) {
            int capacity = Math.max(4, entries * 2 + 1);
            hi = new long[capacity];
            lo = new long[capacity];
            owner = new int[capacity];
        }

        void add(long h, long l, int o) {
            if (count > 0 && hi[count - 1] == h && lo[count - 1] == l) {
                count--;
            }
            if (count > 0 && owner[count - 1] == o) {
                return;
            }
            if (count == 0 && o < 0) {
                return;
            }
            hi[count] = h;
            lo[count] = l;
            owner[count] = o;
            count++;
        }
    }
}
