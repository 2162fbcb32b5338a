package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;

/** Blocks, institution networks and dynamic pools, and what loadSnapshot() makes of them. */
@ExtendWith(VertxExtension.class)
class BlocksAndNetworksTest {

    @TempDir
    static Path dir;
    static Registry registry;

    @BeforeAll
    static void open(Vertx vertx) {
        registry = RegistryTestSupport.open(vertx, dir);
    }

    @AfterAll
    static void close() {
        await(registry.close());
    }

    @Test
    void blockAndUnblock() {
        // Whole seconds: H2 keeps microseconds and would round nanoseconds (Java 17 clocks have them).
        Instant until = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        BlockEntry first = await(registry.block(Cidr.parse("203.0.113.9"), "open relay", until, CLI));
        assertEquals(Cidr.parse("203.0.113.9/32"), first.cidr());
        assertEquals("open relay", first.reason());
        assertEquals("alice", first.createdBy());
        assertEquals(until.toEpochMilli(), first.expiresAt().toEpochMilli());
        assertNotNull(first.createdAt());
        BlockEntry second = await(registry.block(Cidr.parse("203.0.113.9/32"), "again", null, CLI));
        assertNull(second.expiresAt());
        assertEquals(2, await(registry.unblock(Cidr.parse("::ffff:203.0.113.9"), CLI)), "both blocks on that network go");
        assertEquals("no block on 203.0.113.9", refusal(registry.unblock(Cidr.parse("203.0.113.9"), CLI)));
    }

    @Test
    void blockRefusals() {
        assertEquals("block reason is required", refusal(registry.block(Cidr.parse("203.0.113.1"), " ", null, CLI)));
        String past = refusal(registry.block(Cidr.parse("203.0.113.1"), "x", Instant.now().minusSeconds(60), CLI));
        assertTrue(past.startsWith("block end ") && past.endsWith(" is in the past"), past);
        assertEquals("no network given", refusal(registry.block(null, "x", null, CLI)));
        assertEquals("no actor given for the audit log", refusal(registry.block(Cidr.parse("203.0.113.1"), "x", null, null)));
    }

    @Test
    void networksAndPools() {
        NetworkEntry added = await(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("2001:DB8::/32"), "v6 campus", CLI));
        assertEquals(Cidr.parse("2001:db8::/32"), added.cidr());
        assertEquals(NetworkKind.INSTITUTION, added.kind());
        assertEquals("v6 campus", added.description());
        assertEquals("2001:db8::/32 is already an institution network",
                refusal(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("2001:db8::/32"), null, CLI)));
        assertEquals("2001:db8:1::/48 is not an institution network",
                refusal(registry.removeNetwork(NetworkKind.INSTITUTION, Cidr.parse("2001:db8:1::/48"), CLI)));
        await(registry.addNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("2001:db8:ff::/48"), null, CLI));
        assertEquals(List.of(Cidr.parse("2001:db8::/32")),
                await(registry.networks(NetworkKind.INSTITUTION)).stream().map(NetworkEntry::cidr).toList());
        assertEquals(List.of(Cidr.parse("2001:db8:ff::/48")),
                await(registry.networks(NetworkKind.DYNAMIC_POOL)).stream().map(NetworkEntry::cidr).toList());
        await(registry.removeNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("2001:db8:ff::/48"), CLI));
        assertEquals("2001:db8:ff::/48 is not a dynamic pool",
                refusal(registry.removeNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("2001:db8:ff::/48"), CLI)));
        await(registry.removeNetwork(NetworkKind.INSTITUTION, Cidr.parse("2001:db8::/32"), CLI));
        assertEquals(List.of(), await(registry.networks(NetworkKind.INSTITUTION)));
    }

    @Test
    void snapshotHasLiveRevokedBlocksAndSkipsExpiredBlocks() throws Exception {
        long active = await(registry.register(form("198.51.100.1"), CLI));
        await(registry.approve(active, CLI));
        long revoked = await(registry.register(form("198.51.100.2"), CLI));
        await(registry.revoke(revoked, "left", CLI));
        BlockEntry soon = await(registry.block(Cidr.parse("198.51.100.3"), "expires", Instant.now().plusMillis(300), CLI));
        await(registry.block(Cidr.parse("198.51.100.4"), "stays", null, CLI));
        RegistryTestSupport.awaitCondition("block to expire", Duration.ofSeconds(5),
                () -> Instant.now().isAfter(soon.expiresAt()));

        Snapshot s = await(registry.loadSnapshot());
        assertEquals(await(registry.revision()), s.revision());
        assertEquals(RegistrationStatus.ACTIVE, s.registration(IpAddress.parse("::ffff:198.51.100.1")).status());
        assertEquals(RegistrationStatus.REVOKED, s.registration(IpAddress.parse("198.51.100.2")).status());
        assertEquals("left", s.registration(IpAddress.parse("198.51.100.2")).statusReason());
        assertNull(s.activeBlock(IpAddress.parse("198.51.100.3"), Instant.now()), "expired block left out");
        assertEquals("stays", s.activeBlock(IpAddress.parse("198.51.100.4"), Instant.now()).reason());
        assertTrue(await(registry.blocks()).stream().anyMatch(b -> b.id() == soon.id()), "blocks() still lists it");
        assertEquals(false, s.institutionNetworksConfigured());
    }
}
