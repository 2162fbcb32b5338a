package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;

/** Per-registration rate limit columns, the snapshot's limits and stamps, and the system's suspension. */
@ExtendWith(VertxExtension.class)
class LimitsTest {

    @TempDir
    static Path dir;
    static Registry registry;
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    @BeforeAll
    static void open(Vertx vertx) {
        registry = RegistryTestSupport.open(vertx, dir);
    }

    @AfterAll
    static void close() {
        await(registry.close());
    }

    /** A fresh ACTIVE registration with two networks; its id. The first network is 10.30.N.1. */
    private static long active() {
        int n = NEXT.getAndIncrement();
        long id = await(registry.register(form("10.30." + n + ".1", "10.31." + n + ".0/24"), CLI));
        await(registry.approve(id, CLI));
        return id;
    }

    private static RegisteredAddress inSnapshot(long id) {
        Snapshot s = await(registry.loadSnapshot());
        String first = await(registry.get(id)).addresses().get(0).network().toString();
        return s.registration(IpAddress.parse(first));
    }

    @Test
    void newRegistrationsUseTheDefaults() {
        long id = active();
        RegistrationLimits own = await(registry.limits(id));
        assertTrue(own.allDefault(), own.toString());
        assertTrue(own.stamp() > 0);
    }

    @Test
    void setLimitsChangesOnlyWhatIsGivenAndIsAudited() {
        long id = active();
        RegistrationLimits set = await(registry.setLimits(id, new LimitChange(10, null, 0, false), new Actor("carol", "cli")));
        assertEquals(new RegistrationLimits(10, null, 0, set.stamp()), set);
        AuditEntry audit = await(registry.audit(id, 1)).get(0);
        assertEquals("carol", audit.actor());
        assertEquals("UPDATE", audit.operation());
        assertEquals("max_messages_per_hour=NULL, max_recipients_per_hour=NULL", audit.oldValue());
        assertEquals("max_messages_per_hour=10, max_recipients_per_hour=0", audit.newValue());

        RegistrationLimits more = await(registry.setLimits(id, new LimitChange(null, 7, null, false), CLI));
        assertEquals(new RegistrationLimits(10, 7, 0, more.stamp()), more);
        RegistrationLimits back = await(registry.setLimits(id, LimitChange.defaults(), CLI));
        assertTrue(back.allDefault());
        assertEquals("max_messages_per_hour=10, max_recipients_per_message=7, max_recipients_per_hour=0",
                await(registry.audit(id, 1)).get(0).oldValue());
    }

    @Test
    void refusalsWriteNothing() {
        long id = active();
        long revision = await(registry.revision());
        assertEquals("no limit to change", refusal(registry.setLimits(id, new LimitChange(null, null, null, false), CLI)));
        assertEquals("give either new limits or the defaults, not both",
                refusal(registry.setLimits(id, new LimitChange(1, null, null, true), CLI)));
        assertEquals("a limit must be between 0 (no limit) and 100000000: -1",
                refusal(registry.setLimits(id, new LimitChange(null, -1, null, false), CLI)));
        assertEquals("no registration 999999", refusal(registry.setLimits(999_999, new LimitChange(1, null, null, false), CLI)));
        assertEquals("no registration 999999", refusal(registry.limits(999_999)));
        await(registry.revoke(id, "gone", CLI));
        long afterRevoke = await(registry.revision());
        assertEquals("registration " + id + " is REVOKED; its limits no longer matter",
                refusal(registry.setLimits(id, new LimitChange(1, null, null, false), CLI)));
        assertEquals(afterRevoke, await(registry.revision()));
        assertTrue(afterRevoke > revision);
    }

    @Test
    void plainSqlCannotStoreANegativeLimit() {
        long id = active();
        String error = refusal(registry.sql("UPDATE registrations SET max_messages_per_hour = -5 WHERE id = " + id, CLI));
        assertTrue(error.contains("REGISTRATIONS_LIMITS_CHECK"), error);
        await(registry.sql("UPDATE registrations SET max_recipients_per_hour = 3 WHERE id = " + id, CLI));
        assertEquals(3, await(registry.limits(id)).recipientsPerHour());
    }

    @Test
    void theSnapshotSharesOneLimitsObjectPerRegistrationWithItsStamp() {
        long id = active();
        RegistrationLimits own = await(registry.setLimits(id, new LimitChange(5, null, null, false), CLI));
        Snapshot s = await(registry.loadSnapshot());
        Registration r = await(registry.get(id));
        RegisteredAddress host = s.registration(IpAddress.parse(r.addresses().get(0).network().toString()));
        RegisteredAddress net = s.registration(IpAddress.parse(r.addresses().get(1).network().toString()));
        assertEquals(own, host.limits(), "values and stamp as stored");
        assertEquals(5, host.limits().messagesPerHour());
        assertSame(host.limits(), net.limits(), "one limits object per registration, not one per network");
    }

    @Test
    void theStampChangesWhenTheRegistrationIsSuspendedAndApprovedAgain() {
        long id = active();
        long before = inSnapshot(id).limits().stamp();
        await(registry.suspend(id, "spam", CLI));
        RegisteredAddress suspended = inSnapshot(id);
        assertEquals(RegistrationStatus.SUSPENDED, suspended.status());
        assertSame(RegistrationLimits.DEFAULTS, suspended.limits(), "only ACTIVE registrations are limited");
        await(registry.approve(id, CLI));
        long after = inSnapshot(id).limits().stamp();
        assertNotEquals(before, after, "re-approved: the limiter starts afresh");
    }

    @Test
    void suspendBySystemIsAuditedAsTheSystemAndIdempotent() {
        long id = active();
        Registration r = await(registry.suspendBySystem(id, "automatic: 600 messages\nattempted")).orElseThrow();
        assertEquals(RegistrationStatus.SUSPENDED, r.status());
        assertEquals("automatic: 600 messages attempted", r.statusReason());
        AuditEntry audit = await(registry.audit(id, 1)).get(0);
        assertEquals("system", audit.actor());
        assertEquals("system", audit.source());
        assertEquals("status=SUSPENDED, status_reason=automatic: 600 messages attempted", audit.newValue());

        long revision = await(registry.revision());
        assertTrue(await(registry.suspendBySystem(id, "another report")).isEmpty(), "already SUSPENDED: no-op");
        assertEquals("automatic: 600 messages attempted", await(registry.get(id)).statusReason());
        assertEquals(revision, await(registry.revision()));
        assertEquals(audit.id(), await(registry.audit(id, 1)).get(0).id(), "no new audit entry");

        assertEquals(RegistrationStatus.ACTIVE, await(registry.approve(id, CLI)).status(), "an admin reactivates it");
        long pending = await(registry.register(form("10.29.0.1"), CLI));
        assertTrue(await(registry.suspendBySystem(pending, "x")).isEmpty(), "only ACTIVE is suspended");
        assertEquals(RegistrationStatus.PENDING, await(registry.get(pending)).status());
        assertEquals("no registration 999999", refusal(registry.suspendBySystem(999_999, "x")));
    }

    @Test
    void longOrEmptyReasonsAreMadeFit() {
        long id = active();
        assertEquals(1000, await(registry.suspendBySystem(id, "x".repeat(5000))).orElseThrow().statusReason().length());
        long other = active();
        assertEquals("automatic suspension", await(registry.suspendBySystem(other, "  ")).orElseThrow().statusReason());
    }

    @Test
    void anExistingRegistryGainsTheColumnsWhenOpened(Vertx vertx, @TempDir Path old) throws SQLException {
        Registry first = RegistryTestSupport.open(vertx, old);
        long id = await(first.register(form("10.40.0.1"), CLI));
        await(first.close());
        // What a registry from before issue 5 looks like: no limit columns.
        try (Connection c = RegistryTestSupport.plainSql(old); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE registrations DROP CONSTRAINT registrations_limits_check");
            for (String column : new String[] {"max_messages_per_hour", "max_recipients_per_message", "max_recipients_per_hour"}) {
                st.execute("ALTER TABLE registrations DROP COLUMN " + column);
            }
        }
        Registry upgraded = RegistryTestSupport.open(vertx, old);
        try {
            assertEquals("Physics", await(upgraded.get(id)).unit(), "the data is kept");
            assertTrue(await(upgraded.limits(id)).allDefault());
            await(upgraded.setLimits(id, new LimitChange(3, null, null, false), CLI));
            assertEquals("max_messages_per_hour=3", await(upgraded.audit(id, 1)).get(0).newValue(),
                    "the audit trigger sees the new columns");
        } finally {
            await(upgraded.close());
        }
    }
}
