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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** approve / suspend / revoke, unknown ids, and the checks an approval repeats. */
@ExtendWith(VertxExtension.class)
class TransitionsTest {

    @TempDir
    static Path dir;
    static Registry registry;
    private static final AtomicInteger NEXT = new AtomicInteger(1);
    private static final Actor POSTMASTER = new Actor("postmaster", "cli");

    @BeforeAll
    static void open(Vertx vertx) {
        registry = RegistryTestSupport.open(vertx, dir);
    }

    @AfterAll
    static void close() {
        await(registry.close());
    }

    private static long fresh() {
        return await(registry.register(form("10.20." + NEXT.getAndIncrement() + ".1"), CLI));
    }

    @Test
    void approveSetsApprovalOnceAndClearsTheSuspensionReason() {
        long id = fresh();
        Registration active = await(registry.approve(id, POSTMASTER));
        assertEquals(RegistrationStatus.ACTIVE, active.status());
        assertEquals("postmaster", active.approvedBy());
        assertNotNull(active.approvedAt());
        AuditEntry audit = await(registry.audit(id, 1)).get(0);
        assertEquals("postmaster", audit.actor());
        assertEquals("cli", audit.source());
        assertEquals("registrations", audit.tableName());
        assertEquals("status=PENDING, approved_at=NULL, approved_by=NULL", audit.oldValue());
        assertTrue(audit.newValue().startsWith("status=ACTIVE, approved_at="), audit.newValue());
        assertTrue(audit.newValue().endsWith(", approved_by=postmaster"), audit.newValue());

        Registration suspended = await(registry.suspend(id, "sends spam", CLI));
        assertEquals(RegistrationStatus.SUSPENDED, suspended.status());
        assertEquals("sends spam", suspended.statusReason());

        Registration again = await(registry.approve(id, new Actor("carol", "cli")));
        assertEquals(RegistrationStatus.ACTIVE, again.status());
        assertNull(again.statusReason());
        assertEquals("postmaster", again.approvedBy(), "the first approval is kept");
        assertEquals(active.approvedAt(), again.approvedAt());
        assertEquals(true, !again.updatedAt().isBefore(active.updatedAt()));
    }

    @Test
    void refusedTransitionsNameTheCurrentStatus() {
        long id = fresh();
        await(registry.approve(id, CLI));
        assertEquals("registration " + id + " is ACTIVE; only PENDING or SUSPENDED registrations can be approved",
                refusal(registry.approve(id, CLI)));
        Registration revoked = await(registry.revoke(id, "moved out", CLI));
        assertEquals(RegistrationStatus.REVOKED, revoked.status());
        assertEquals("moved out", revoked.statusReason());
        assertEquals("registration " + id + " is REVOKED; only PENDING or SUSPENDED registrations can be approved",
                refusal(registry.approve(id, CLI)));
        assertEquals("registration " + id + " is REVOKED; only ACTIVE or PENDING registrations can be suspended",
                refusal(registry.suspend(id, "x", CLI)));
        assertEquals("registration " + id + " is already REVOKED", refusal(registry.revoke(id, null, CLI)));
    }

    @Test
    void suspendNeedsAReasonAndRevokeDoesNot() {
        long id = fresh();
        assertEquals("suspension reason is required", refusal(registry.suspend(id, " ", CLI)));
        assertEquals(RegistrationStatus.SUSPENDED, await(registry.suspend(id, "audit", CLI)).status());
        Registration revoked = await(registry.revoke(id, null, CLI));
        assertEquals(RegistrationStatus.REVOKED, revoked.status());
        assertNull(revoked.statusReason());
    }

    @Test
    void pendingCanBeRevokedAndSuspended() {
        assertEquals(RegistrationStatus.REVOKED, await(registry.revoke(fresh(), "duplicate form", CLI)).status());
        assertEquals(RegistrationStatus.SUSPENDED, await(registry.suspend(fresh(), "check first", CLI)).status());
    }

    @Test
    void unknownIds() {
        assertEquals("no registration 999999", refusal(registry.approve(999_999, CLI)));
        assertEquals("no registration 999999", refusal(registry.suspend(999_999, "x", CLI)));
        assertEquals("no registration 999999", refusal(registry.revoke(999_999, null, CLI)));
        assertEquals("no registration 999999", refusal(registry.get(999_999)));
    }

    @Test
    void approvalRechecksPoolsAndInstitutionNetworks() {
        long id = await(registry.register(form("10.99.1.1"), CLI));
        await(registry.addNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("10.99.1.0/24"), "new DHCP range", CLI));
        assertEquals("10.99.1.1 overlaps dynamic pool 10.99.1.0/24 (DHCP addresses cannot be registered)",
                refusal(registry.approve(id, CLI)));
        await(registry.removeNetwork(NetworkKind.DYNAMIC_POOL, Cidr.parse("10.99.1.0/24"), CLI));

        await(registry.addNetwork(NetworkKind.INSTITUTION, Cidr.parse("172.16.0.0/12"), null, CLI));
        try {
            assertEquals("10.99.1.1 is outside the institution networks (see: relaygate networks list)",
                    refusal(registry.approve(id, CLI)));
            assertEquals(RegistrationStatus.PENDING, await(registry.get(id)).status(), "a refused approval changes nothing");
        } finally {
            await(registry.removeNetwork(NetworkKind.INSTITUTION, Cidr.parse("172.16.0.0/12"), CLI));
        }
        assertEquals(RegistrationStatus.ACTIVE, await(registry.approve(id, CLI)).status());
    }

    @Test
    void listFiltersByStatusAndCarriesNetworks() {
        long a = fresh();
        long b = fresh();
        await(registry.approve(b, CLI));
        List<Registration> pending = await(registry.list(RegistrationStatus.PENDING));
        assertEquals(true, pending.stream().anyMatch(r -> r.id() == a));
        assertEquals(false, pending.stream().anyMatch(r -> r.id() == b));
        Registration listed = await(registry.list(null)).stream().filter(r -> r.id() == b).findFirst().orElseThrow();
        assertEquals(await(registry.get(b)), listed);
        assertEquals(1, listed.addresses().size());
        List<Registration> all = await(registry.list(null));
        for (int i = 1; i < all.size(); i++) {
            assertEquals(true, all.get(i - 1).id() < all.get(i).id(), "ordered by id");
        }
    }
}
