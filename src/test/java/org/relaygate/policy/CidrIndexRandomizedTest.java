package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index against a brute-force reference: every entry that contains the probe, sorted by prefix
 * length descending, then by input order descending (a later duplicate wins). Seeds are fixed so a
 * failure reproduces.
 */
class CidrIndexRandomizedTest {

    private static final int ENTRIES = 3_000;
    private static final int PROBES = 10_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 20240501, 7})
    void agreesWithBruteForce(long seed) {
        Random r = new Random(seed);
        // odd seeds include default routes (every probe matches something), even ones leave gaps
        int minLength = seed % 2 == 1 ? 0 : 4;
        List<IpAddress> seeds = new ArrayList<>();
        List<CidrIndex.Entry<Integer>> entries = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            // one in twenty repeats an earlier network exactly: duplicates sit side by side in the index
            Cidr cidr = i > 0 && r.nextInt(20) == 0 ? entries.get(r.nextInt(i)).cidr() : randomCidr(r, seeds, minLength);
            entries.add(new CidrIndex.Entry<>(cidr, i));
        }
        CidrIndex<Integer> index = CidrIndex.build(entries);
        assertEquals(ENTRIES, index.size());

        List<IpAddress> probes = new ArrayList<>();
        for (CidrIndex.Entry<Integer> e : entries) {
            Cidr c = e.cidr();
            probes.add(c.first());
            probes.add(c.last());
            probes.add(step(c.first(), -1));
            probes.add(step(c.last(), +1));
            probes.add(step(c.first(), +1));
            probes.add(step(c.last(), -1));
        }
        for (int i = 0; i < PROBES; i++) {
            probes.add(randomAround(r, seeds));
        }
        probes.add(IpAddress.parse("0.0.0.0"));
        probes.add(IpAddress.parse("255.255.255.255"));
        probes.add(IpAddress.parse("::"));
        probes.add(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));

        Flat flat = Flat.of(entries);
        int deepest = 0;
        int misses = 0;
        for (IpAddress probe : probes) {
            List<CidrIndex.Entry<Integer>> expected = bruteForce(entries, flat, probe);
            deepest = Math.max(deepest, expected.size());
            misses += expected.isEmpty() ? 1 : 0;
            List<CidrIndex.Entry<Integer>> actual = index.matches(probe);
            assertEquals(values(expected), values(actual), () -> "matches(" + probe + ") seed " + seed);
            // the index keeps networks as numbers: the entries it makes must equal the input's
            assertEquals(expected, actual, () -> "matches(" + probe + ") entries, seed " + seed);
            CidrIndex.Entry<Integer> longest = index.longestMatchEntry(probe);
            assertEquals(expected.isEmpty() ? null : expected.get(0), longest, () -> "longestMatchEntry(" + probe + ")");
            assertEquals(expected.isEmpty() ? null : expected.get(0).value(), index.longestMatch(probe));
        }
        // the data must really nest deeply and leave gaps, or the comparison proves little
        assertTrue(deepest >= 8, "deepest nesting " + deepest);
        assertTrue(minLength == 0 || misses > 100, "probes outside every network " + misses);
    }

    /**
     * Networks cluster around a few hundred seed addresses per family so they nest and overlap a lot;
     * some are exact duplicates of an earlier network; a few sit at the very ends of each family.
     */
    private static Cidr randomCidr(Random r, List<IpAddress> seeds, int minLength) {
        boolean v6 = r.nextBoolean();
        IpAddress base;
        int roll = r.nextInt(100);
        if (roll < 3) {
            base = v6 ? IpAddress.fromV6Bits(-1L, -1L) : IpAddress.ofV4(-1);
        } else if (roll < 6) {
            base = v6 ? new IpAddress(true, 0, 0) : IpAddress.ofV4(0);
        } else if (roll < 80 && seeds.size() > 20) {
            base = seeds.get(r.nextInt(seeds.size()));
            if (base.v6() != v6) {
                base = v6 ? new IpAddress(true, 0x2001_0db8_0000_0000L | (base.lo() << 16), r.nextLong()) : IpAddress.ofV4((int) base.lo());
            }
        } else {
            base = v6 ? new IpAddress(true, 0x2001_0db8_0000_0000L | (r.nextLong() >>> 40), r.nextLong()) : IpAddress.ofV4(r.nextInt());
            seeds.add(base);
        }
        int bits = base.bits();
        int len;
        int kind = r.nextInt(20);
        if (kind == 0) {
            len = r.nextInt(4) == 0 ? minLength : bits;
        } else if (kind < 3) {
            len = minLength + r.nextInt(bits + 1 - minLength);
        } else {
            // mostly longer than the spread of the seeds, so matches stay deep but not hundreds long
            int floor = v6 ? 32 : 8;
            len = floor + r.nextInt(bits - floor + 1);
        }
        return new Cidr(Cidr.mask(base, len), len);
    }

    private static IpAddress randomAround(Random r, List<IpAddress> seeds) {
        IpAddress base = seeds.isEmpty() ? IpAddress.ofV4(r.nextInt()) : seeds.get(r.nextInt(seeds.size()));
        if (r.nextInt(4) == 0) {
            return base.v6() ? new IpAddress(true, r.nextLong(), r.nextLong()) : IpAddress.ofV4(r.nextInt());
        }
        // flip a few low bits of a seed so the probe lands inside, at and next to nested networks
        int flip = r.nextInt(base.bits());
        if (!base.v6()) {
            return IpAddress.ofV4((int) (base.lo() ^ (r.nextLong() & ((1L << flip) - 1))));
        }
        long loMask = flip >= 64 ? -1L : (1L << flip) - 1;
        long hiMask = flip > 64 ? (1L << (flip - 64)) - 1 : 0;
        return IpAddress.fromV6Bits(base.hi() ^ (r.nextLong() & hiMask), base.lo() ^ (r.nextLong() & loMask));
    }

    /** The address plus or minus one, saturating at the ends of its family. */
    private static IpAddress step(IpAddress a, int delta) {
        if (!a.v6()) {
            long v = a.lo() + delta;
            return v < 0 || v > 0xffffffffL ? a : IpAddress.ofV4((int) v);
        }
        long lo = a.lo() + delta;
        long hi = a.hi();
        if (delta > 0 && lo == 0) {
            if (hi == -1L) {
                return a;
            }
            hi++;
        } else if (delta < 0 && a.lo() == 0) {
            if (hi == 0) {
                return a;
            }
            hi--;
        }
        IpAddress next = IpAddress.fromV6Bits(hi, lo);
        return next.v6() ? next : a; // stepping into ::ffff:0:0/96 would change family: stay put
    }

    /** Each entry as plain numbers, so the reference is a simple loop of masks that does not allocate. */
    private record Flat(boolean[] v6, long[] hiMask, long[] loMask, long[] hi, long[] lo) {
        static Flat of(List<CidrIndex.Entry<Integer>> entries) {
            int n = entries.size();
            Flat f = new Flat(new boolean[n], new long[n], new long[n], new long[n], new long[n]);
            for (int i = 0; i < n; i++) {
                Cidr c = entries.get(i).cidr();
                f.v6[i] = c.v6();
                f.hiMask[i] = CidrIndexRandomizedTest.hiMask(c);
                f.loMask[i] = CidrIndexRandomizedTest.loMask(c);
                f.hi[i] = c.first().hi();
                f.lo[i] = c.first().lo();
            }
            return f;
        }
    }

    private static List<CidrIndex.Entry<Integer>> bruteForce(List<CidrIndex.Entry<Integer>> entries, Flat f, IpAddress probe) {
        List<CidrIndex.Entry<Integer>> out = new ArrayList<>();
        boolean v6 = probe.v6();
        long hi = probe.hi();
        long lo = probe.lo();
        for (int i = 0; i < f.v6.length; i++) {
            if (f.v6[i] == v6 && (hi & f.hiMask[i]) == f.hi[i] && (lo & f.loMask[i]) == f.lo[i]) {
                out.add(entries.get(i));
            }
        }
        out.sort(Comparator.<CidrIndex.Entry<Integer>>comparingInt(e -> e.cidr().prefixLength())
                .thenComparingInt(CidrIndex.Entry::value).reversed());
        return out;
    }

    private static long hiMask(Cidr c) {
        int len = c.prefixLength();
        if (!c.v6()) {
            return 0;
        }
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    private static long loMask(Cidr c) {
        int len = c.prefixLength();
        if (!c.v6()) {
            return len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        }
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    private static List<Integer> values(List<CidrIndex.Entry<Integer>> entries) {
        List<Integer> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.value()));
        return out;
    }
}
