package org.relaygate.registry;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;

/**
 * SQL that finds the rows of a cidr table overlapping a network, using the (family, range_start)
 * index. Two CIDRs overlap only when one contains the other, so an overlapping row either starts
 * inside the network, or is one of its at most 33 / 129 possible supernets, whose starts are the
 * network's first address masked to each shorter prefix. Both are index lookups, unlike the
 * general interval test that scans every row starting before the network's end.
 */
final class Overlaps {

    private Overlaps() {
    }

    /** A query over {@code table} selecting {@code columns} of every row that overlaps the network. */
    record Query(String sql, Tuple params) {
    }

    static Query rows(String table, String columns, Cidr cidr) {
        NetworkRange range = NetworkRange.of(cidr);
        List<String> supernets = supernetStarts(cidr);
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < supernets.size(); i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        String sql = "SELECT " + columns + " FROM " + table + " WHERE family = ? AND range_start BETWEEN ? AND ?"
                + " UNION ALL SELECT " + columns + " FROM " + table + " WHERE family = ? AND range_start IN (" + in
                + ") AND range_end >= ? AND range_start < ?";
        List<Object> params = new ArrayList<>();
        params.add(range.family());
        params.add(range.start());
        params.add(range.end());
        params.add(range.family());
        params.addAll(supernets);
        params.add(range.start());
        params.add(range.start()); // starts inside the network are in the first half already
        return new Query(sql, Tuple.wrap(params));
    }

    /** The start of every strictly shorter prefix containing the network (the /0 .. /len-1 networks). */
    static List<String> supernetStarts(Cidr cidr) {
        Set<String> out = new LinkedHashSet<>();
        IpAddress first = cidr.first();
        for (int length = 0; length < cidr.prefixLength(); length++) {
            out.add(NetworkRange.hex(mask(first, length)));
        }
        if (out.isEmpty()) {
            out.add(NetworkRange.hex(first)); // a /0 has no supernet; keep the IN list non-empty
        }
        return List.copyOf(out);
    }

    private static IpAddress mask(IpAddress a, int length) {
        if (!a.v6()) {
            long m = length == 0 ? 0 : (0xffffffffL << (32 - length)) & 0xffffffffL;
            return new IpAddress(false, 0, a.lo() & m);
        }
        long hiMask = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
        long loMask = length <= 64 ? 0 : -1L << (128 - length);
        return new IpAddress(true, a.hi() & hiMask, a.lo() & loMask);
    }
}
