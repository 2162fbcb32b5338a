package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.awaitCondition;
import static org.relaygate.registry.RegistryTestSupport.form;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;

/**
 * Changes reach the watcher as deltas read from audit_log (the snapshot then reports changed
 * registrations), and large ones as a full reload; against a real H2 file changed by the CLI's
 * registry and by a separate plain JDBC session.
 */
@ExtendWith(VertxExtension.class)
class SnapshotDeltaTest {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    static Vertx vertx;
    static Registry registry;
    static Connection plain;
    private SnapshotWatcher watcher;

    @BeforeAll
    static void open(Vertx v) throws SQLException {
        vertx = v;
        registry = RegistryTestSupport.open(vertx, dir);
        plain = RegistryTestSupport.plainSql(dir);
    }

    @AfterAll
    static void close() throws SQLException {
        plain.close();
        await(registry.close());
    }

    @BeforeEach
    void startWatcher() {
        watcher = new SnapshotWatcher(vertx, registry, POLL, 50, Duration.ofHours(1));
        await(watcher.start());
    }

    @AfterEach
    void stopWatcher() {
        watcher.stop();
    }

    private static void sql(String statement) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.executeUpdate(statement);
        }
    }

    private static long queryLong(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private RegisteredAddress at(String address) {
        return watcher.current().registration(IpAddress.parse(address));
    }

    private RegistrationStatus statusOf(String address) {
        RegisteredAddress a = at(address);
        return a == null ? null : a.status();
    }

    /** Waits for the current revision to be in use, then says whether it came as a delta. */
    private boolean appliedAsDelta() throws InterruptedException {
        long revision = await(registry.revision());
        awaitCondition("revision " + revision, WITHIN, () -> watcher.current().revision() == revision);
        return !watcher.currentIsFull();
    }

    @Test
    void approveSuspendAndRevokeByTheCliArriveAsDeltas() throws Exception {
        long id = await(registry.register(form("192.0.2.10"), CLI));
        awaitCondition("pending", WITHIN, () -> statusOf("192.0.2.10") == RegistrationStatus.PENDING);
        await(registry.approve(id, CLI));
        awaitCondition("approval", WITHIN, () -> statusOf("192.0.2.10") == RegistrationStatus.ACTIVE);
        assertTrue(appliedAsDelta());
        await(registry.suspend(id, "spam", CLI));
        awaitCondition("suspension", WITHIN, () -> statusOf("192.0.2.10") == RegistrationStatus.SUSPENDED);
        assertEquals("spam", at("192.0.2.10").statusReason());
        await(registry.revoke(id, "gone", CLI));
        awaitCondition("revocation", WITHIN, () -> statusOf("192.0.2.10") == RegistrationStatus.REVOKED);
        assertTrue(appliedAsDelta());
        assertEquals(id, at("192.0.2.10").registrationId());
    }

    @Test
    void blockAndUnblockArriveAsDeltas() throws Exception {
        Cidr net = Cidr.parse("198.51.100.0/24");
        await(registry.block(net, "compromised", null, CLI));
        awaitCondition("the block", WITHIN, () -> watcher.current().activeBlock(IpAddress.parse("198.51.100.9"), Instant.now()) != null);
        assertTrue(appliedAsDelta());
        sql("DELETE FROM blocks WHERE cidr = '198.51.100.0/24'"); // plain SQL this time
        awaitCondition("the unblock", WITHIN, () -> watcher.current().activeBlock(IpAddress.parse("198.51.100.9"), Instant.now()) == null);
        assertTrue(appliedAsDelta());
    }

    @Test
    void plainSqlAddressChangesAreFoundThroughTheirRegistration() throws Exception {
        long a = await(registry.register(form("203.0.113.1", "203.0.113.2"), CLI));
        long b = await(registry.register(form("203.0.113.50"), CLI));
        await(registry.approve(a, CLI));
        awaitCondition("approval", WITHIN, () -> statusOf("203.0.113.2") == RegistrationStatus.ACTIVE);

        sql("DELETE FROM registration_addresses WHERE cidr = '203.0.113.2/32'");
        awaitCondition("the deleted address", WITHIN, () -> at("203.0.113.2") == null);
        assertEquals(RegistrationStatus.ACTIVE, statusOf("203.0.113.1"), "its sibling stays");
        assertTrue(appliedAsDelta());

        // An address moved from one registration to another: both are read again.
        sql("UPDATE registration_addresses SET registration_id = " + b + " WHERE cidr = '203.0.113.1/32'");
        awaitCondition("the moved address", WITHIN, () -> at("203.0.113.1") != null && at("203.0.113.1").registrationId() == b);
        assertEquals(RegistrationStatus.PENDING, statusOf("203.0.113.1"));
        assertTrue(appliedAsDelta());

        sql("DELETE FROM registrations WHERE id = " + b); // cascades to its addresses
        awaitCondition("the deleted registration", WITHIN, () -> at("203.0.113.50") == null && at("203.0.113.1") == null);
    }

    @Test
    void institutionNetworksArriveAsDeltas() throws Exception {
        Cidr campus = Cidr.parse("10.0.0.0/8");
        long before = await(registry.revision());
        long id = await(registry.register(form("192.0.2.99"), CLI)); // so the overlay is not empty
        awaitCondition("registration", WITHIN, () -> statusOf("192.0.2.99") != null);
        assertFalse(watcher.current().institutionNetworksConfigured());
        await(registry.addNetwork(NetworkKind.INSTITUTION, campus, "campus", CLI));
        try {
            awaitCondition("the institution network", WITHIN, () -> watcher.current().institutionNetworksConfigured());
            assertTrue(appliedAsDelta());
            assertTrue(watcher.current().revision() > before);
        } finally {
            await(registry.removeNetwork(NetworkKind.INSTITUTION, campus, CLI));
        }
        awaitCondition("no institution network", WITHIN, () -> !watcher.current().institutionNetworksConfigured());
        assertNotNull(at("192.0.2.99"));
        assertEquals(id, at("192.0.2.99").registrationId());
    }

    @Test
    void aLargeChangeIsReloadedInFull() throws Exception {
        long id = await(registry.register(form("192.0.2.200"), CLI));
        awaitCondition("registration", WITHIN, () -> statusOf("192.0.2.200") != null);
        assertTrue(appliedAsDelta());
        // 60 registrations in one statement: 60 audit rows, above this watcher's 50.
        sql("INSERT INTO registrations (unit, contact_email, device, reason, signed_by)"
                + " SELECT 'Bulk', 'bulk@example.edu', 'd' || x, 'r', 's' FROM SYSTEM_RANGE(1, 60)");
        sql("UPDATE registrations SET status = 'ACTIVE' WHERE id = " + id);
        assertFalse(appliedAsDelta(), "reloaded in full: no overlay");
        assertEquals(RegistrationStatus.ACTIVE, statusOf("192.0.2.200"));
    }

    @Test
    void aBareRevisionBumpReloadsInFull() throws Exception {
        long id = await(registry.register(form("192.0.2.201"), CLI));
        awaitCondition("registration", WITHIN, () -> statusOf("192.0.2.201") != null);
        assertTrue(appliedAsDelta());
        sql("UPDATE registry_meta SET revision = revision + 1");
        assertFalse(appliedAsDelta());
        assertEquals(id, at("192.0.2.201").registrationId());
    }

    /**
     * The high-water mark's hard case: session B takes an audit id, waits for the registry_meta lock
     * held by A, A takes a higher id and commits; B commits later. A delta read in between must not
     * move the mark past B's id, or B's change (committed below the mark) would never be applied.
     */
    @Test
    void aChangeCommittedLateWithALowerAuditIdIsStillApplied() throws Exception {
        watcher.stop(); // driven by hand here, step by step
        SnapshotLoader loader = new SnapshotLoader(vertx, registry.jdbcUrl(), Clock.systemUTC());
        long late = await(registry.register(form("192.0.2.150"), CLI));
        LoadedSnapshot start = await(loader.loadFull(0));
        assertEquals(RegistrationStatus.PENDING, start.snapshot().registration(IpAddress.parse("192.0.2.150")).status());

        try (Connection a = RegistryTestSupport.plainSql(dir); Connection b = RegistryTestSupport.plainSql(dir)) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            queryLong(a, "SELECT revision FROM registry_meta WHERE id = 1 FOR UPDATE"); // A holds the writers' lock
            long bSession = queryLong(b, "SELECT SESSION_ID()");
            CompletableFuture<Void> bStatement = CompletableFuture.runAsync(() -> {
                try (Statement st = b.createStatement()) {
                    st.executeUpdate("UPDATE registrations SET status = 'ACTIVE' WHERE id = " + late);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitCondition("B waiting for A's lock", WITHIN, () -> blocked(bSession));
            long bAuditId = queryLong(plain, "SELECT MAX(id) FROM audit_log"); // committed only: below B's
            try (Statement st = a.createStatement()) {
                st.executeUpdate("INSERT INTO registrations (unit, contact_email, device, reason, signed_by)"
                        + " VALUES ('A', 'a@example.edu', 'a', 'a', 'a')");
            }
            a.commit();
            bStatement.get(); // B's statement is through, B not committed yet

            LoadedSnapshot between = await(loader.update(start, 1000));
            assertFalse(between.full());
            assertEquals(RegistrationStatus.PENDING, between.snapshot().registration(IpAddress.parse("192.0.2.150")).status());
            assertTrue(between.auditMark() <= bAuditId, "the mark stays below B's uncommitted audit row");
            long aAuditId = queryLong(plain, "SELECT MAX(id) FROM audit_log");
            assertTrue(aAuditId > bAuditId + 1, "A's row is above B's: " + aAuditId + " vs " + bAuditId);

            b.commit();
            // Another change after B's commit, so the next read finds rows above A's too (not a bare
            // revision bump, which would reload in full and hide a lost change).
            sql("INSERT INTO registrations (unit, contact_email, device, reason, signed_by)"
                    + " VALUES ('C', 'c@example.edu', 'c', 'c', 'c')");
            LoadedSnapshot next = await(loader.update(between, 1000));
            assertFalse(next.full());
            assertEquals(RegistrationStatus.ACTIVE, next.snapshot().registration(IpAddress.parse("192.0.2.150")).status());
            assertTrue(next.auditMark() > aAuditId, "settled again: the mark moves on");
        }
    }

    private static boolean blocked(long session) {
        try {
            return queryLong(plain, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = " + session
                    + " AND BLOCKER_ID IS NOT NULL") > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
