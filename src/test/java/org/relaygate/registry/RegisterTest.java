package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** register(): every refusal against a real H2 file, atomicity and the concurrent-overlap race. */
@ExtendWith(VertxExtension.class)
class RegisterTest {

    @TempDir
    static Path dir;
    static Registry registry;

    @BeforeAll
    static void open(Vertx vertx) {
        registry = RegistryTestSupport.open(vertx, dir);
        // Institution: 192.0.2.0/24, 198.51.100.0/24 and 2001:db8::/32; a DHCP pool inside the first.
        await(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("192.0.2.0/24"), "main campus", CLI));
        await(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("198.51.100.0/24"), null, CLI));
        await(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("2001:db8::/32"), null, CLI));
        await(registry.addNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("192.0.2.128/25"), "wifi DHCP", CLI));
    }

    @AfterAll
    static void close() {
        await(registry.close());
    }

    private static long rows(String table) {
        return Long.parseLong(await(registry.sql("SELECT COUNT(*) FROM " + table, CLI)).rows().get(0).get(0));
    }

    @Test
    void storesPendingWithCanonicalNetworks() {
        long id = await(registry.register(form("192.0.2.10", "2001:DB8:0:AA::/64", "::ffff:198.51.100.20"), CLI));
        Registration r = await(registry.get(id));
        assertEquals(RegistrationStatus.PENDING, r.status());
        assertEquals(List.of(Cidr.parse("192.0.2.10/32"), Cidr.parse("2001:db8:0:aa::/64"), Cidr.parse("198.51.100.20/32")),
                r.addresses());
        assertEquals(List.of(List.of("192.0.2.10/32", "4"), List.of("2001:db8:0:aa::/64", "6"), List.of("198.51.100.20/32", "4")),
                await(registry.sql("SELECT cidr, family FROM registration_addresses WHERE registration_id = " + id
                        + " ORDER BY id", CLI)).rows());
        assertEquals("physics-it@example.edu", r.contactEmail());
        assertEquals(null, r.approvedAt());
    }

    @Test
    void refusesOutsideInstitutionNetworks() {
        assertEquals("203.0.113.5 is outside the institution networks (see: relaygate networks list)",
                refusal(registry.register(form("203.0.113.5"), CLI)));
        assertEquals("2001:db9::/48 is outside the institution networks (see: relaygate networks list)",
                refusal(registry.register(form("2001:db9::/48"), CLI)));
    }

    @Test
    void refusesDynamicPoolsNamingThePool() {
        assertEquals("192.0.2.200 overlaps dynamic pool 192.0.2.128/25 (DHCP addresses cannot be registered)",
                refusal(registry.register(form("192.0.2.200"), CLI)));
        assertEquals("192.0.2.0/24 overlaps dynamic pool 192.0.2.128/25 (DHCP addresses cannot be registered)",
                refusal(registry.register(form("192.0.2.0/24"), CLI)));
    }

    @Test
    void refusesOverlapWithLiveRegistrationsNamingIt() {
        long owner = await(registry.register(form("192.0.2.32/28"), CLI));
        assertEquals("192.0.2.33 is already registered: registration " + owner + " has 192.0.2.32/28",
                refusal(registry.register(form("192.0.2.33"), CLI)));
        assertEquals("192.0.2.0/26 is already registered: registration " + owner + " has 192.0.2.32/28",
                refusal(registry.register(form("192.0.2.0/26"), CLI)));
        await(registry.suspend(owner, "lost", CLI));
        assertEquals("192.0.2.32/28 is already registered: registration " + owner + " has 192.0.2.32/28",
                refusal(registry.register(form("192.0.2.32/28"), CLI)), "a SUSPENDED registration is live");
        await(registry.revoke(owner, null, CLI));
        long next = await(registry.register(form("192.0.2.33"), CLI));
        assertTrue(next > owner, "a revoked registration's addresses are free again");
    }

    @Test
    void mappedAddressesCollideWithTheirIpv4Form() {
        long owner = await(registry.register(form("198.51.100.77"), CLI));
        assertEquals("198.51.100.77 is already registered: registration " + owner + " has 198.51.100.77",
                refusal(registry.register(form("::ffff:198.51.100.77"), CLI)));
    }

    @Test
    void aRefusalWritesNothing() {
        long registrations = rows("registrations");
        long addresses = rows("registration_addresses");
        long audit = rows("audit_log");
        long revision = await(registry.revision());
        // The first two networks are fine; the third is in the pool: nothing at all may be stored.
        assertEquals("192.0.2.129 overlaps dynamic pool 192.0.2.128/25 (DHCP addresses cannot be registered)",
                refusal(registry.register(form("192.0.2.50", "2001:db8:1::/48", "192.0.2.129"), CLI)));
        assertEquals("unit is required", refusal(registry.register(
                new NewRegistration(" ", "a@b.example", "d", "r", "s", null, List.of("192.0.2.51"), null), CLI)));
        assertEquals(registrations, rows("registrations"));
        assertEquals(addresses, rows("registration_addresses"));
        assertEquals(audit, rows("audit_log"));
        assertEquals(revision, await(registry.revision()));
    }

    @Test
    void concurrentOverlappingRegistrationsLetExactlyOneThrough() {
        for (int round = 0; round < 5; round++) {
            String net = "198.51.100." + (128 + round * 16) + "/28";
            String host = "198.51.100." + (128 + round * 16 + 5);
            List<Future<Long>> racers = new ArrayList<>();
            racers.add(registry.register(form(net), CLI));
            racers.add(registry.register(form(host), CLI));
            racers.add(registry.register(form(host), new Actor("bob", "web")));
            await(Future.join(racers).otherwiseEmpty());
            long won = racers.stream().filter(Future::succeeded).count();
            assertEquals(1, won, "round " + round + ": exactly one registration may own " + net);
            racers.stream().filter(Future::failed).forEach(f ->
                    assertTrue(f.cause().getMessage().contains("is already registered: registration"), f.cause().getMessage()));
        }
    }
}
