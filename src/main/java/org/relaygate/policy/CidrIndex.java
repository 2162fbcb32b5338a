package org.relaygate.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable longest-prefix-match index over IPv4 and IPv6 networks.
 *
 * <p>Each family keeps its networks sorted by first address (wider first at the same address,
 * input order last) in primitive arrays, and every network its parent: the nearest network that
 * contains it and is not the same network. A lookup is one search for the last network that starts
 * at or below the address (a binary search of every 16th, then one block), then a walk up the
 * parents to the first one that contains it. That is right because networks either nest or are disjoint: any network containing the address
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

    private final Ipv4Networks v4;
    private final Ipv6Networks v6;
    private final int size;

    private CidrIndex(Ipv4Networks v4, Ipv6Networks v6, int size) {
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
        return new CidrIndex<>(Ipv4Networks.build(entries, entries.size() - v6Count), Ipv6Networks.build(entries, v6Count), entries.size());
    }

    public int size() {
        return size;
    }

    /** The value of the most specific network containing the address, or null. */
    @SuppressWarnings("unchecked")
    public T longestMatch(IpAddress address) {
        SortedNetworks f = family(address);
        int i = find(f, address);
        return i < 0 ? null : (T) f.values[i];
    }

    /** The most specific entry containing the address, or null. */
    public Entry<T> longestMatchEntry(IpAddress address) {
        SortedNetworks f = family(address);
        int i = find(f, address);
        return i < 0 ? null : entry(f, i);
    }

    /** Every entry containing the address, most specific first; empty when none. */
    public List<Entry<T>> matches(IpAddress address) {
        SortedNetworks f = family(address);
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

    private SortedNetworks family(IpAddress address) {
        return address.v6() ? v6 : v4;
    }

    private int find(SortedNetworks f, IpAddress address) {
        return f == v4 ? v4.find((int) address.lo()) : v6.find(address.hi(), address.lo());
    }

    @SuppressWarnings("unchecked")
    private Entry<T> entry(SortedNetworks f, int i) {
        return new Entry<>(f.cidr(i), (T) f.values[i]);
    }
}
