package org.relaygate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.CidrIndex;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;

/**
 * A deterministic registry of a campus that will never exist: 60% IPv4 and 40% IPv6 networks,
 * generated from a seed so every run and every JVM sees the same data (nothing is stored in git).
 *
 * <p>IPv4: 2,000 sites (/16) in 128.0.0.0/1, 85% of entries /32 hosts, 15% subnets /22 to /31
 * (hosts nest inside them, subnets inside each other). IPv6: 2,000 sites (/48) in 2000::/3, 75%
 * /128 hosts, 25% networks /64 to /127. Every other length appears too, as a nested chain
 * (/1 to /21 inside 0.0.0.0/1, /1 to /63 inside 8000::/1) away from the sites, so misses exist.
 * Two networks per registration; statuses mostly ACTIVE, the rest PENDING, SUSPENDED, REVOKED.
 */
public final class IndexData {

    public static final long SEED = 20240601L;
    private static final int SITES = 2_000;
    private static final long V6_SITE_PREFIX = 0x2000_0000_0000_0000L;

    private final SplittableRandom random;
    private final int[] v4Sites = new int[SITES];
    private final long[] v6Sites = new long[SITES];

    public IndexData(long seed) {
        random = new SplittableRandom(seed);
        for (int s = 0; s < SITES; s++) {
            v4Sites[s] = 0x8000_0000 | (random.nextInt(1 << 15) << 16);
            v6Sites[s] = V6_SITE_PREFIX | ((random.nextLong() >>> 19) << 16);
        }
    }

    /** n networks: the nested chains first, then random site entries. */
    public List<Cidr> networks(int n) {
        List<Cidr> out = new ArrayList<>(n);
        for (int len = 1; len <= 21 && out.size() < n; len++) {
            out.add(v4(0x4000_0000, len));
        }
        for (int len = 1; len <= 63 && out.size() < n; len++) {
            out.add(v6(0xc000_0000_0000_0000L, 0, len));
        }
        while (out.size() < n) {
            out.add(random.nextInt(10) < 6 ? siteV4() : siteV6());
        }
        return out;
    }

    /** The networks as registrations, two networks each, the way the snapshot loader builds them. */
    public List<RegisteredAddress> registrations(int n) {
        List<Cidr> networks = networks(n);
        List<RegisteredAddress> out = new ArrayList<>(n);
        RegistrationLimits ownLimits = RegistrationLimits.DEFAULTS;
        String reason = "";
        RegistrationStatus status = RegistrationStatus.ACTIVE;
        for (int i = 0; i < n; i++) {
            long id = i / 2 + 1;
            if (i % 2 == 0) {
                int roll = random.nextInt(100);
                status = roll < 85 ? RegistrationStatus.ACTIVE : roll < 93 ? RegistrationStatus.PENDING
                        : roll < 97 ? RegistrationStatus.SUSPENDED : RegistrationStatus.REVOKED;
                reason = status == RegistrationStatus.SUSPENDED ? "open relay found" : "";
                ownLimits = random.nextInt(100) == 0 ? new RegistrationLimits(100, 50, null, id) : RegistrationLimits.DEFAULTS;
            }
            out.add(new RegisteredAddress(id, networks.get(i), status, reason, ownLimits));
        }
        return out;
    }

    public List<CidrIndex.Entry<Integer>> entries(int n) {
        List<Cidr> networks = networks(n);
        List<CidrIndex.Entry<Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new CidrIndex.Entry<>(networks.get(i), i));
        }
        return out;
    }

    /** count addresses, each inside a random IPv4 (or IPv6) network of the list. */
    public IpAddress[] hits(List<Cidr> networks, boolean v6, int count) {
        List<Cidr> family = new ArrayList<>();
        for (Cidr c : networks) {
            if (c.v6() == v6) {
                family.add(c);
            }
        }
        IpAddress[] out = new IpAddress[count];
        for (int i = 0; i < count; i++) {
            out[i] = inside(family.get(random.nextInt(family.size())));
        }
        return out;
    }

    /**
     * count addresses that no network contains, half IPv4 and half IPv6, half inside a site (next to
     * registered ones) and half anywhere in the site ranges; the index decides what a miss is.
     */
    public <T> IpAddress[] misses(CidrIndex<T> index, int count) {
        IpAddress[] out = new IpAddress[count];
        int found = 0;
        for (int tries = 0; found < count && tries < count * 1000; tries++) {
            boolean v6 = (found & 1) == 1;
            boolean nearby = (found & 2) == 2;
            IpAddress a;
            if (v6) {
                long hi = nearby ? v6Sites[random.nextInt(SITES)] | (random.nextLong() & 0xffff) : V6_SITE_PREFIX | (random.nextLong() >>> 3);
                a = new IpAddress(true, hi, random.nextLong());
            } else {
                int v = nearby ? v4Sites[random.nextInt(SITES)] | random.nextInt(1 << 16) : 0x8000_0000 | random.nextInt();
                a = IpAddress.ofV4(v);
            }
            if (index.longestMatch(a) == null) {
                out[found++] = a;
            }
        }
        if (found < count) {
            throw new IllegalStateException("only " + found + " misses found");
        }
        return out;
    }

    private Cidr siteV4() {
        int base = v4Sites[random.nextInt(SITES)] | random.nextInt(1 << 16);
        int len = random.nextInt(100) < 85 ? 32 : 22 + random.nextInt(10);
        return v4(base, len);
    }

    private Cidr siteV6() {
        long hi = v6Sites[random.nextInt(SITES)] | (random.nextLong() & 0xffff);
        int len = random.nextInt(100) < 75 ? 128 : 64 + random.nextInt(64);
        return v6(hi, random.nextLong(), len);
    }

    private static Cidr v4(int address, int len) {
        long mask = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return new Cidr(new IpAddress(false, 0, address & mask), len);
    }

    private static Cidr v6(long hi, long lo, int len) {
        long hiMask = len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
        long loMask = len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
        return new Cidr(new IpAddress(true, hi & hiMask, lo & loMask), len);
    }

    private IpAddress inside(Cidr c) {
        IpAddress first = c.first();
        IpAddress last = c.last();
        if (!c.v6()) {
            long span = last.lo() - first.lo();
            return new IpAddress(false, 0, first.lo() + (span == 0 ? 0 : random.nextLong(span + 1)));
        }
        long hi = first.hi() | (random.nextLong() & (last.hi() ^ first.hi()));
        long lo = first.lo() | (random.nextLong() & (last.lo() ^ first.lo()));
        return new IpAddress(true, hi, lo);
    }
}
