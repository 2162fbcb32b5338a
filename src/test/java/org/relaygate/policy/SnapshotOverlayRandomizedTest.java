package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A snapshot changed delta by delta against one built from scratch from the same final rows: every
 * probe must get the same registration (same id, network, status, reason) and the same block. The
 * networks come from a small pool, so registrations overlap, nest and share networks all the time.
 * Seeds are fixed so a failure reproduces.
 */
class SnapshotOverlayRandomizedTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final int REGISTRATIONS = 60;
    private static final int DELTAS = 40;
    private static final List<Cidr> POOL = pool();

    private static List<Cidr> pool() {
        List<Cidr> pool = new ArrayList<>();
        for (String s : new String[] {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.0/25", "10.1.2.128/25",
                "10.1.3.0/24", "10.2.0.0/16", "192.0.2.0/24", "192.0.2.7/32", "192.0.2.8/29", "192.0.2.9/32",
                "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::/64", "2001:db8:1::7/128", "2001:db8:2::/48",
                "198.51.100.0/22", "198.51.101.0/24", "198.51.101.77/32", "0.0.0.0/0"}) {
            pool.add(Cidr.parse(s));
        }
        return pool;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20250101})
    void deltasAnswerLikeAFullBuild(long seed) {
        Random r = new Random(seed);
        Map<Long, List<RegisteredAddress>> rows = new TreeMap<>();
        for (long id = 1; id <= REGISTRATIONS; id++) {
            rows.put(id, randomNetworks(r, id));
        }
        List<Block> blocks = randomBlocks(r);
        Snapshot changed = Snapshot.build(1, NOW, flatten(rows), blocks, false);
        List<IpAddress> probes = probes(r);
        int hits = 0;
        for (int d = 0; d < DELTAS; d++) {
            Map<Long, List<RegisteredAddress>> delta = new HashMap<>();
            int touched = 1 + r.nextInt(4);
            for (int i = 0; i < touched; i++) {
                long id = 1 + r.nextInt(REGISTRATIONS + 5); // now and then one that did not exist
                List<RegisteredAddress> now = r.nextInt(6) == 0 ? List.of() : randomNetworks(r, id);
                rows.put(id, now);
                delta.put(id, now);
            }
            List<Block> newBlocks = null;
            if (r.nextInt(5) == 0) {
                blocks = randomBlocks(r);
                newBlocks = blocks;
            }
            boolean institution = r.nextBoolean();
            changed = changed.withChanges(2 + d, NOW, delta, newBlocks, institution);
            Snapshot built = Snapshot.build(2 + d, NOW, flatten(rows), blocks, institution);
            for (IpAddress probe : probes) {
                RegisteredAddress expected = built.registration(probe);
                assertEquals(expected, changed.registration(probe), "seed " + seed + " delta " + d + " probe " + probe);
                assertEquals(built.activeBlock(probe, NOW), changed.activeBlock(probe, NOW), "block at " + probe);
                hits += expected == null ? 0 : 1;
            }
            assertEquals(institution, changed.institutionNetworksConfigured());
            assertEquals(2 + d, changed.revision());
        }
        assertTrue(hits > probes.size(), "the probes hit registrations, not only gaps: " + hits);
        assertTrue(changed.changedRegistrations() > 0);
    }

    @org.junit.jupiter.api.Test
    void aBuiltSnapshotHasNoChangesAndSharesNothingItDoesNotNeed() {
        Snapshot s = Snapshot.build(1, NOW, List.of(reg(1, "192.0.2.0/24", RegistrationStatus.ACTIVE)), List.of(), false);
        assertEquals(0, s.changedRegistrations());
        Snapshot revoked = s.withChanges(2, NOW, Map.of(1L, List.of(reg(1, "192.0.2.0/24", RegistrationStatus.REVOKED))),
                null, false);
        assertEquals(RegistrationStatus.REVOKED, revoked.registration(IpAddress.parse("192.0.2.1")).status());
        assertEquals(RegistrationStatus.ACTIVE, s.registration(IpAddress.parse("192.0.2.1")).status(), "the old one is untouched");
        Snapshot gone = revoked.withChanges(3, NOW, Map.of(1L, List.of()), null, false);
        assertEquals(null, gone.registration(IpAddress.parse("192.0.2.1")));
        assertEquals(1, gone.changedRegistrations());
    }

    private static RegisteredAddress reg(long id, String cidr, RegistrationStatus status) {
        return new RegisteredAddress(id, Cidr.parse(cidr), status, "");
    }

    private static List<RegisteredAddress> randomNetworks(Random r, long id) {
        RegistrationStatus status = RegistrationStatus.values()[r.nextInt(RegistrationStatus.values().length)];
        String reason = r.nextBoolean() ? "" : "reason " + r.nextInt(3);
        RegistrationLimits limits = new RegistrationLimits(r.nextBoolean() ? null : r.nextInt(5), null, null, r.nextInt(3));
        List<RegisteredAddress> out = new ArrayList<>();
        int n = r.nextInt(4);
        List<Cidr> pool = new ArrayList<>(POOL);
        java.util.Collections.shuffle(pool, r);
        for (int i = 0; i < n; i++) { // distinct networks per registration, as the UNIQUE constraint has it
            out.add(new RegisteredAddress(id, pool.get(i), status, reason, limits));
        }
        return out;
    }

    private static List<Block> randomBlocks(Random r) {
        List<Block> out = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            Instant expires = switch (r.nextInt(3)) {
                case 0 -> null;
                case 1 -> NOW.minusSeconds(60);
                default -> NOW.plusSeconds(60);
            };
            out.add(new Block(i + 1, POOL.get(r.nextInt(POOL.size())), "b" + i, expires));
        }
        return out;
    }

    private static List<RegisteredAddress> flatten(Map<Long, List<RegisteredAddress>> rows) {
        List<RegisteredAddress> all = new ArrayList<>();
        rows.values().forEach(all::addAll);
        java.util.Collections.shuffle(all, new Random(all.size())); // row order must not matter
        return all;
    }

    private static List<IpAddress> probes(Random r) {
        List<IpAddress> probes = new ArrayList<>();
        for (Cidr c : POOL) {
            probes.add(c.first());
            probes.add(c.last());
        }
        for (int i = 0; i < 200; i++) {
            Cidr c = POOL.get(r.nextInt(POOL.size()));
            long lo = c.first().lo() + (long) r.nextInt(1 << 12);
            IpAddress candidate = new IpAddress(c.first().v6(), c.first().hi(), c.v6() ? lo : lo & 0xffffffffL);
            probes.add(candidate);
        }
        probes.add(IpAddress.parse("203.0.113.1"));
        probes.add(IpAddress.parse("2001:db9::1"));
        return probes;
    }
}
