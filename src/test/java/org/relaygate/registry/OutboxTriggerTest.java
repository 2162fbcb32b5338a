package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/**
 * The outbox rows a change queues in its own transaction, from the registry's methods and from a
 * plain JDBC session alike: confirmation once, re-activation, suspension (plus the postmaster's
 * alert when the system suspends), blocks per distinct covered contact, and {@code notify}.
 */
@ExtendWith(VertxExtension.class)
class OutboxTriggerTest {

    @TempDir
    static Path dir;
    static Registry registry;
    static Connection plain;
    private static final AtomicInteger NEXT = new AtomicInteger(1);
    private static final Actor POSTMASTER = new Actor("postmaster", "cli");
    private static final Actor LIMITER = new Actor("system", "system");

    @BeforeAll
    static void open(Vertx vertx) throws SQLException {
        registry = RegistryTestSupport.open(vertx, dir);
        plain = RegistryTestSupport.plainSql(dir);
    }

    @AfterAll
    static void close() throws SQLException {
        plain.close();
        await(registry.close());
    }

    /** A registration of its own /24 (10.40.N.0/24 is free for this test's blocks) with two addresses. */
    private static long register(String contact) {
        int n = NEXT.getAndIncrement();
        NewRegistration form = new NewRegistration("Unit " + n, contact, "printer " + n, "no SMTP AUTH", "Dr. Head",
                LocalDate.of(2024, 5, 1), List.of("10.40." + n + ".7", "10.40." + n + ".16/28"), null);
        return await(registry.register(form, CLI));
    }

    private static String subnet(long id) {
        Registration r = await(registry.get(id));
        return r.addresses().get(0).toString().replaceAll("\\.7/32$", ".0/24");
    }

    /** kind, recipient, created_by of the registration's rows, oldest first. */
    private static List<List<String>> rows(long registrationId) {
        return query("SELECT kind, COALESCE(recipient, '-'), created_by FROM outbox WHERE registration_id = "
                + registrationId + " ORDER BY id");
    }

    private static Map<String, String> params(long registrationId, String kind) {
        String json = query("SELECT params FROM outbox WHERE registration_id = " + registrationId + " AND kind = '"
                + kind + "' ORDER BY id DESC LIMIT 1").get(0).get(0);
        return NoticeFacts.parse(json);
    }

    private static List<List<String>> query(String sql) {
        return await(registry.sql(sql, CLI)).rows();
    }

    private static void plainUpdate(String sql) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    @Test
    void approvalQueuesOneConfirmationWithTheAddressesFrozen() {
        long id = register("physics-it@example.edu");
        assertEquals(List.of(), rows(id), "registering sends nothing");
        await(registry.approve(id, POSTMASTER));
        assertEquals(List.of(List.of("CONFIRMATION", "physics-it@example.edu", "postmaster")), rows(id));
        Map<String, String> p = params(id, "CONFIRMATION");
        assertEquals("#" + id, p.get("registration"));
        assertEquals(String.valueOf(id), p.get("id"));
        assertEquals("ACTIVE", p.get("status"));
        assertEquals("postmaster", p.get("actor"));
        assertTrue(p.get("unit").startsWith("Unit "), p.toString());
        assertTrue(p.get("addresses").matches("10\\.40\\.\\d+\\.7\n10\\.40\\.\\d+\\.16/28"), p.get("addresses"));
        assertEquals(List.of(List.of("PENDING", "0", "NULL", "NULL")),
                query("SELECT status, attempts, subject, body FROM outbox WHERE registration_id = " + id),
                "rendered only when sent");
    }

    @Test
    void suspensionThenReactivationThenRevocation() {
        long id = register("chem@example.edu");
        await(registry.approve(id, POSTMASTER));
        await(registry.suspend(id, "sent spam", POSTMASTER));
        await(registry.approve(id, POSTMASTER));
        await(registry.revoke(id, "moved away", POSTMASTER));
        assertEquals(List.of("CONFIRMATION", "SUSPENSION", "REACTIVATION"), rows(id).stream().map(r -> r.get(0)).toList(),
                "one confirmation only; revocation queues nothing");
        assertEquals("sent spam", params(id, "SUSPENSION").get("reason"));
        assertEquals("SUSPENDED", params(id, "SUSPENSION").get("status"));
    }

    @Test
    void suspendedBeforeEverApprovedGetsTheConfirmationOnItsFirstApproval() {
        long id = register("late@example.edu");
        await(registry.suspend(id, "check first", POSTMASTER));
        await(registry.approve(id, POSTMASTER));
        assertEquals(List.of("SUSPENSION", "CONFIRMATION"), rows(id).stream().map(r -> r.get(0)).toList());
    }

    @Test
    void anAutomaticSuspensionAlsoAlertsThePostmaster() {
        long id = register("lab@example.edu");
        await(registry.approve(id, POSTMASTER));
        await(registry.suspend(id, "auto-suspended: 950 messages in 1h (limit 100)", LIMITER));
        assertEquals(List.of(List.of("CONFIRMATION", "lab@example.edu", "postmaster"),
                        List.of("SUSPENSION", "lab@example.edu", "system"),
                        List.of("POSTMASTER_ALERT", "-", "system")), rows(id),
                "the alert's recipient is mail.postmaster, resolved by the sender");
        assertEquals("system", params(id, "POSTMASTER_ALERT").get("actor"));
    }

    @Test
    void plainSqlChangesQueueTheSameRowsAsTheCli() throws SQLException {
        long id = register("sql-admin@example.edu");
        plainUpdate("UPDATE registrations SET status = 'ACTIVE', approved_at = CURRENT_TIMESTAMP, approved_by = 'me'"
                + " WHERE id = " + id);
        plainUpdate("UPDATE registrations SET status = 'SUSPENDED', status_reason = 'spam' WHERE id = " + id);
        plainUpdate("UPDATE registrations SET notes = 'called them' WHERE id = " + id);
        assertEquals(List.of(List.of("CONFIRMATION", "sql-admin@example.edu", SessionActor.UNKNOWN_USER),
                List.of("SUSPENSION", "sql-admin@example.edu", SessionActor.UNKNOWN_USER)), rows(id),
                "a change of another column queues nothing");
    }

    @Test
    void aRolledBackChangeLeavesNoNotice() throws SQLException {
        long id = register("rollback@example.edu");
        try (Connection c = RegistryTestSupport.plainSql(dir)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE registrations SET status = 'ACTIVE' WHERE id = " + id);
            }
            c.rollback();
        }
        assertEquals(List.of(), rows(id));
    }

    @Test
    void aBlockTellsTheContactsOfTheLiveRegistrationsItCovers() {
        long a = register("Shared@Example.edu");
        long c = register("other@example.edu");
        long revoked = register("gone@example.edu");
        await(registry.revoke(revoked, null, POSTMASTER));
        for (long id : List.of(a, c, revoked)) {
            await(registry.block(Cidr.parse(subnet(id)), "compromised lab", null, POSTMASTER));
        }
        assertEquals(List.of(List.of("BLOCK", "Shared@example.edu", "postmaster")), rows(a));
        assertEquals(List.of(List.of("BLOCK", "other@example.edu", "postmaster")), rows(c));
        assertEquals(List.of(), rows(revoked), "a revoked registration is not told");
        Map<String, String> p = params(c, "BLOCK");
        assertEquals(subnet(c), p.get("network"));
        assertEquals("compromised lab", p.get("reason"));
        assertEquals("", p.get("until"));
    }

    @Test
    void aWideBlockTellsEachContactOnceListingTheirRegistrations() {
        int base = 200; // 10.41.200.0/24 and 10.41.201.0/24: inside 10.41.200.0/23, apart from the other tests
        long a = await(registry.register(new NewRegistration("Bio", "bio@example.edu", "scanner", "old", "Dr. B",
                null, List.of("10.41." + base + ".5"), null), CLI));
        long b = await(registry.register(new NewRegistration("Bio lab", "BIO@example.edu", "plotter", "old", "Dr. B",
                null, List.of("10.41." + (base + 1) + ".6"), null), CLI));
        long c = await(registry.register(new NewRegistration("Geo", "geo@example.edu", "copier", "old", "Dr. G",
                null, List.of("10.41." + (base + 1) + ".32/28"), null), CLI));
        Instant until = Instant.now().plus(2, ChronoUnit.DAYS);
        await(registry.block(Cidr.parse("10.41." + base + ".0/23"), "worm", until, POSTMASTER));
        assertEquals(List.of(List.of("BLOCK", "bio@example.edu", "postmaster")), rows(a));
        assertEquals(List.of(), rows(b), "same contact, other case: one notice, filed under the first registration");
        assertEquals(List.of(List.of("BLOCK", "geo@example.edu", "postmaster")), rows(c));
        Map<String, String> p = params(a, "BLOCK");
        assertEquals("#" + a + ", #" + b, p.get("registration"));
        assertEquals("Bio, Bio lab", p.get("unit"));
        assertEquals("10.41.200.5\n10.41.201.6", p.get("addresses"));
        assertEquals("10.41.200.0/23", p.get("network"));
        assertEquals(until.truncatedTo(ChronoUnit.SECONDS), Instant.parse(p.get("until")).truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void plainSqlBlocksQueueNoticesButAnExpiredOneDoesNot() throws SQLException {
        long id = register("plainblock@example.edu");
        String net = subnet(id);
        plainUpdate("INSERT INTO blocks (cidr, reason, expires_at) VALUES ('" + net + "', 'old', TIMESTAMP WITH TIME ZONE"
                + " '2020-01-01 00:00:00Z')");
        assertEquals(List.of(), rows(id), "a block that is already over announces nothing");
        plainUpdate("INSERT INTO blocks (cidr, reason) VALUES ('" + net.replace(".0/24", ".7") + "', 'spam run')");
        assertEquals(List.of(List.of("BLOCK", "plainblock@example.edu", SessionActor.UNKNOWN_USER)), rows(id),
                "a block inside one registration's range covers it too");
        assertEquals(List.of(), query("SELECT id FROM outbox WHERE kind = 'BLOCK' AND params LIKE '%192.0.2.%'"));
    }

    @Test
    void theChangeIsAuditedAndItsNoticeIsNotAuditedAgain() {
        long id = register("audited@example.edu");
        await(registry.approve(id, POSTMASTER));
        AuditEntry newest = await(registry.audit(null, 1)).get(0);
        assertEquals("registrations UPDATE postmaster", newest.tableName() + " " + newest.operation() + " " + newest.actor());
        assertEquals(List.of(), query("SELECT id FROM audit_log WHERE table_name = 'outbox' AND new_value LIKE '%audited@%'"));
    }

    @Test
    void notifyQueuesOneMessagePerDistinctContactAddress() {
        String tag = "notify-" + NEXT.get();
        long first = register(tag + "@example.edu");
        long second = register(tag.toUpperCase() + "@EXAMPLE.EDU");
        long third = register(tag + "@example.edu");
        long other = register(tag + "-other@example.edu");
        long pending = register(tag + "-pending@example.edu");
        for (long id : List.of(first, second, third, other)) {
            await(registry.approve(id, POSTMASTER));
        }
        long before = countNotices();
        int active = await(registry.notifyContacts(RegistrationStatus.ACTIVE, "Maintenance Sunday",
                "The relay restarts at 06:00.\n", new Actor("dana", "cli")));
        assertEquals(distinctContacts("ACTIVE"), active, "one per distinct ACTIVE contact");
        assertEquals(before + active, countNotices());
        List<List<String>> mine = query("SELECT recipient, subject, body, created_by, status FROM outbox WHERE kind = 'NOTICE'"
                + " AND LOWER(recipient) LIKE '" + tag + "%' ORDER BY recipient");
        assertEquals(2, mine.size(), "three registrations of one address and one of another: " + mine);
        assertTrue(mine.stream().anyMatch(r -> r.get(0).equals(tag + "@example.edu")), "spelled as the oldest registration has it");
        assertEquals(List.of("Maintenance Sunday", "The relay restarts at 06:00.\n", "dana", "PENDING"), mine.get(0).subList(1, 5));
        int pendingQueued = await(registry.notifyContacts(RegistrationStatus.PENDING, "Still pending", "Please wait.", CLI));
        assertEquals(distinctContacts("PENDING"), pendingQueued);
        assertTrue(query("SELECT recipient FROM outbox WHERE subject = 'Still pending'").toString().contains(tag + "-pending"));
        assertEquals(before + active + pendingQueued, countNotices());
        List<List<String>> audit = query("SELECT actor, source, row_id, new_value FROM audit_log WHERE table_name = 'outbox'"
                + " AND new_value LIKE 'notify: status=ACTIVE%' AND new_value LIKE '%" + tag + "%'");
        assertEquals(1, audit.size(), "one audit row for the whole notice: " + audit);
        assertEquals(List.of("dana", "cli"), audit.get(0).subList(0, 2));
        String value = audit.get(0).get(3);
        assertTrue(value.startsWith("notify: status=ACTIVE, messages=" + active + ", outbox ids="), value);
        assertTrue(value.contains(tag + "@example.edu") && value.contains(tag + "-other@example.edu"), value);
        assertTrue(value.endsWith(", subject=Maintenance Sunday, body=The relay restarts at 06:00."), value);
        assertEquals(query("SELECT MIN(id) FROM outbox WHERE subject = 'Maintenance Sunday'").get(0).get(0),
                audit.get(0).get(2), "row_id: the notice's first row");
    }

    private static long distinctContacts(String status) {
        return Long.parseLong(query("SELECT COUNT(DISTINCT LOWER(TRIM(contact_email))) FROM registrations WHERE status = '"
                + status + "'").get(0).get(0));
    }

    private static long countNotices() {
        return Long.parseLong(query("SELECT COUNT(*) FROM outbox WHERE kind = 'NOTICE'").get(0).get(0));
    }

    @Test
    void notifyRefusesBadText() {
        assertEquals("subject is required", refusal(registry.notifyContacts(null, " ", "body", CLI)));
        assertEquals("subject must not contain control characters (line breaks, tabs)",
                refusal(registry.notifyContacts(null, "a\nb", "body", CLI)));
        assertEquals("the message body is empty", refusal(registry.notifyContacts(null, "s", "\n \n", CLI)));
        assertEquals("the message body contains a control character (U+0000) at position 2",
                refusal(registry.notifyContacts(null, "s", "ab\0", CLI)));
        assertEquals("no actor given for the audit log", refusal(registry.notifyContacts(null, "s", "b", new Actor(" ", "cli"))));
    }

    @Test
    void theSchemaRefusesUnknownKindsAndStatuses() {
        SQLException e = assertThrows(SQLException.class, () -> plainUpdate(
                "INSERT INTO outbox (kind, recipient) VALUES ('SPAM', 'x@example.edu')"));
        assertTrue(e.getMessage().contains("OUTBOX_KIND_CHECK"), e.getMessage());
        assertNull(NoticeFacts.parse("{not json").get("unit"), "broken params read as no facts");
    }
}
