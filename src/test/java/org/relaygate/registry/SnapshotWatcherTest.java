package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.awaitCondition;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.slf4j.LoggerFactory;

/** The watcher against a real H2 file changed by a separate plain JDBC session. */
@ExtendWith(VertxExtension.class)
class SnapshotWatcherTest {

    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    static Path dir;
    static Vertx vertx;
    static Registry registry;
    static Connection plain;
    private SnapshotWatcher watcher;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

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
        log.start();
        ((Logger) LoggerFactory.getLogger(SnapshotWatcher.class)).addAppender(log);
        watcher = new SnapshotWatcher(vertx, registry, POLL);
        Snapshot first = await(watcher.start());
        assertSame(first, watcher.current());
        assertEquals(await(registry.revision()), first.revision());
    }

    @AfterEach
    void stopWatcher() {
        watcher.stop();
        ((Logger) LoggerFactory.getLogger(SnapshotWatcher.class)).detachAppender(log);
    }

    private static void sql(String statement) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.executeUpdate(statement);
        }
    }

    private RegistrationStatus statusOf(String address) {
        RegisteredAddress a = watcher.current().registration(IpAddress.parse(address));
        return a == null ? null : a.status();
    }

    private long count(Level level, String text) {
        return log.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(text)).count();
    }

    private static long registerByPlainSql(String cidr) throws SQLException {
        sql("INSERT INTO registrations (unit, contact_email, device, reason, signed_by)"
                + " VALUES ('Biology', 'bio@example.edu', 'scanner', 'no AUTH', 'Dr. Bio')");
        long id;
        try (Statement st = plain.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT MAX(id) FROM registrations")) {
            rs.next();
            id = rs.getLong(1);
        }
        sql("INSERT INTO registration_addresses (registration_id, cidr) VALUES (" + id + ", '" + cidr + "')");
        return id;
    }

    @Test
    void seesAPlainSqlRegistrationAndApprovalWithinTwoSeconds() throws Exception {
        long id = registerByPlainSql("192.0.2.44");
        sql("UPDATE registrations SET status = 'ACTIVE', approved_at = CURRENT_TIMESTAMP, approved_by = 'dba' WHERE id = " + id);
        awaitCondition("the watcher to see the approval", Duration.ofSeconds(2),
                () -> statusOf("192.0.2.44") == RegistrationStatus.ACTIVE);
        assertEquals(id, watcher.current().registration(IpAddress.parse("::ffff:192.0.2.44")).registrationId());
        assertTrue(count(Level.INFO, "registry snapshot revision") >= 2, "each swap is logged");
    }

    @Test
    void aFailingLoadKeepsTheLastSnapshotWarnsOnceAndRecovers() throws Exception {
        long id = registerByPlainSql("192.0.2.55");
        sql("UPDATE registrations SET status = 'ACTIVE' WHERE id = " + id);
        awaitCondition("the registration", Duration.ofSeconds(2), () -> statusOf("192.0.2.55") == RegistrationStatus.ACTIVE);
        Snapshot good = watcher.current();

        // Break reads of the addresses, then announce a change so the watcher tries to load.
        sql("ALTER TABLE registration_addresses RENAME TO registration_addresses_away");
        try {
            sql("UPDATE registry_meta SET revision = revision + 1");
            awaitCondition("a warning", Duration.ofSeconds(2), () -> count(Level.WARN, "cannot read the registry") > 0);
            // Let at least ten more ticks fail: the warning must not repeat, the good snapshot stays.
            await(vertx.timer(POLL.toMillis() * 10));
            assertEquals(1, count(Level.WARN, "cannot read the registry"));
            assertSame(good, watcher.current());
            assertEquals(RegistrationStatus.ACTIVE, statusOf("192.0.2.55"));
        } finally {
            sql("ALTER TABLE registration_addresses_away RENAME TO registration_addresses");
        }
        long revision = await(registry.revision());
        awaitCondition("recovery", Duration.ofSeconds(2), () -> watcher.current().revision() == revision);
        assertEquals(1, count(Level.INFO, "registry readable again"));
        assertEquals(RegistrationStatus.ACTIVE, statusOf("192.0.2.55"));
    }

    @Test
    void stopEndsPolling() throws Exception {
        watcher.stop();
        Snapshot last = watcher.current();
        registerByPlainSql("192.0.2.66");
        await(vertx.timer(POLL.toMillis() * 6)); // six ticks would have loaded it
        assertSame(last, watcher.current());
        assertNull(statusOf("192.0.2.66"));
    }

    @Test
    void startFailsWhenTheRegistryCannotBeRead() {
        Registry broken = await(Registry.open(vertx, RegistryTestSupport.config(dir)
                .withDb("jdbc:h2:mem:watcher-broken;DB_CLOSE_DELAY=-1")));
        try {
            await(broken.sql("DROP TABLE registry_meta", CLI));
            SnapshotWatcher w = new SnapshotWatcher(vertx, broken, POLL);
            assertTrue(refusal(w.start()).startsWith("Table \"REGISTRY_META\" not found"));
            assertEquals(-1, w.current().revision(), "before a first load it knows nobody");
        } finally {
            await(broken.close());
        }
    }
}
