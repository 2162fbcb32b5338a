package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CLI in-process against a real H2 registry file: every command, and every refusal writing nothing. */
class CliRegistryTest {

    @TempDir
    static Path dir;
    static String db;

    @BeforeAll
    static void seed() {
        db = dir.resolve("data").toString();
        CliRun.on(db, "networks", "add", "192.0.2.0/24", "--description", "campus").ok();
        CliRun.on(db, "networks", "add", "2001:db8::/32").ok();
        CliRun.on(db, "pools", "add", "192.0.2.128/25", "--description", "DHCP").ok();
        register("192.0.2.16/29");
    }

    /** Registers with every field and returns the id printed on stdout. */
    static long register(String... addresses) {
        List<String> args = new ArrayList<>(List.of("register", "--unit", "Physics", "--contact", "physics-it@example.edu",
                "--device", "copier", "--reason", "no SMTP AUTH", "--signed-by", "Dr. Head", "--signed-on", "2026-02-27"));
        for (String a : addresses) {
            args.add("--ip");
            args.add(a);
        }
        String out = CliRun.on(db, args.toArray(String[]::new)).ok();
        assertTrue(out.matches("[0-9]+\n"), () -> "register must print the id alone, got: " + out);
        return Long.parseLong(out.strip());
    }

    /** Row counts of every changed table and the revision: equal before and after means nothing was written. */
    static String fingerprint() {
        return CliRun.on(db, "sql", "SELECT (SELECT COUNT(*) FROM registrations) r, (SELECT COUNT(*) FROM registration_addresses) a,"
                + " (SELECT COUNT(*) FROM audit_log) l, (SELECT revision FROM registry_meta) v").ok();
    }

    static JsonArray listJson() {
        return new JsonArray(CliRun.on(db, "list", "--json").ok());
    }

    static JsonObject registration(long id) {
        JsonArray all = listJson();
        for (int i = 0; i < all.size(); i++) {
            JsonObject o = all.getJsonObject(i);
            if (o.getLong("id") == id) {
                return o;
            }
        }
        throw new AssertionError("no registration " + id);
    }

    @Test
    void registerPrintsTheIdAloneAndStartsPending() {
        long id = register("192.0.2.7", "2001:db8:7::/48");
        JsonObject r = registration(id);
        assertEquals("PENDING", r.getString("status"));
        assertEquals("Physics", r.getString("unit"));
        assertEquals("physics-it@example.edu", r.getString("contact_email"));
        assertEquals("2026-02-27", r.getString("signed_on"));
        assertEquals(new JsonArray().add("192.0.2.7/32").add("2001:db8:7::/48"), r.getJsonArray("addresses"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.300          | not an IP address or CIDR",
        "printer.example.edu  | not an IP address or CIDR",
        "192.0.2.9/28         | has host bits set",
        "198.51.100.7         | outside the institution networks",
        "192.0.2.200          | overlaps dynamic pool 192.0.2.128/25",
        "192.0.2.128/26       | overlaps dynamic pool",
        "192.0.2.20           | already registered",
        "192.0.2.0/27         | already registered",
        "10.0.0.0/8           | too wide",
        "'192.0.2.40,192.0.2.300' | not an IP address or CIDR",
        "'192.0.2.41,198.51.100.1' | outside the institution networks",
    })
    void refusedAddressesWriteNothing(String addresses, String expected) {
        String before = fingerprint();
        CliRun.on(db, "register", "--unit", "Chemistry", "--contact", "chem@example.edu", "--device", "scanner",
                "--reason", "legacy", "--signed-by", "Dean", "--ip", addresses).refused(expected);
        assertEquals(before, fingerprint(), "nothing half-written");
    }

    @Test
    void missingOrBlankFieldsAreRefused() {
        String before = fingerprint();
        CliRun.on(db, "register", "--contact", "c@example.edu", "--device", "d", "--reason", "r", "--signed-by", "s",
                "--ip", "192.0.2.50").refused("Missing required option: '--unit=U'");
        CliRun.on(db, "register", "--unit", " ", "--contact", "c@example.edu", "--device", "d", "--reason", "r",
                "--signed-by", "s", "--ip", "192.0.2.50").refused("unit is required");
        CliRun.on(db, "register", "--unit", "U", "--contact", "not-an-email", "--device", "d", "--reason", "r",
                "--signed-by", "s", "--ip", "192.0.2.50").refused("contact email");
        assertEquals(before, fingerprint());
    }

    @Test
    void lifecycleApproveSuspendRevokeWithCheckAndShow() {
        long id = register("192.0.2.33");
        assertTrue(CliRun.on(db, "check", "192.0.2.33").ok().startsWith("action=REJECT 5.7.1 Relay registration #" + id));
        assertEquals("registration " + id + " is ACTIVE\n", CliRun.on(db, "approve", String.valueOf(id), "--actor", "alice").ok());
        String check = CliRun.on(db, "check", "192.0.2.33").ok();
        assertTrue(check.startsWith("action=OK\nreason: registered\n"), check);
        assertTrue(check.contains("registration: " + id + " ACTIVE on 192.0.2.33, unit \"Physics\""), check);
        assertFalse(check.contains("WARNING"), check);

        assertEquals("registration " + id + " is SUSPENDED: open relay\n",
                CliRun.on(db, "suspend", String.valueOf(id), "--reason", "open relay").ok());
        assertTrue(CliRun.on(db, "check", "192.0.2.33").ok().contains("\nreason: suspended\n"));
        assertEquals("registration " + id + " is REVOKED\n", CliRun.on(db, "revoke", String.valueOf(id)).ok());
        assertTrue(CliRun.on(db, "check", "192.0.2.33").ok().contains("\nreason: revoked\n"));

        String show = CliRun.on(db, "show", String.valueOf(id)).ok();
        assertTrue(show.contains("status:         REVOKED\n"), show);
        assertTrue(show.contains("approved by:    alice\n"), show);
        assertTrue(show.contains("addresses:\n  192.0.2.33\n"), show);
        assertTrue(show.lines().anyMatch(l -> l.matches("  \\d+ .* alice +cli +UPDATE +registrations +" + id + " .*")), show);
        assertTrue(CliRun.on(db, "list", "--status", "revoked").ok().lines().anyMatch(l -> l.startsWith(id + " ")));
        assertFalse(CliRun.on(db, "list", "--status", "ACTIVE").ok().lines().anyMatch(l -> l.startsWith(id + " ")));
        // A revoked registration frees its address for someone else.
        register("192.0.2.33");
    }

    @Test
    void refusedTransitionsAreOneLine() {
        CliRun.on(db, "approve", "987654").refused("987654");
        long id = register("192.0.2.34");
        CliRun.on(db, "revoke", String.valueOf(id), "--reason", "mistake").ok();
        CliRun.on(db, "approve", String.valueOf(id)).refused(String.valueOf(id));
        CliRun.on(db, "show", "987654").refused("987654");
    }

    @Test
    void blockBeatsRegistrationUntilUnblocked() {
        long id = register("192.0.2.48/30");
        CliRun.on(db, "approve", String.valueOf(id)).ok();
        String blocked = CliRun.on(db, "block", "192.0.2.49", "--reason", "virus", "--until", "2h").ok();
        assertTrue(blocked.matches("blocked 192\\.0\\.2\\.49 until \\S+Z \\(block \\d+\\)\n"), blocked);
        String check = CliRun.on(db, "check", "192.0.2.49").ok();
        assertTrue(check.startsWith("action=REJECT 5.7.1 Relay access for 192.0.2.49 is blocked by the postmaster: virus (until "), check);
        assertTrue(check.contains("\nblock: "), check);
        assertTrue(check.contains("registration: " + id + " ACTIVE"), check);
        assertTrue(CliRun.on(db, "blocks").ok().lines().anyMatch(l -> l.matches("\\d+ +192\\.0\\.2\\.49 +active +\\S+Z +virus .*")));

        assertEquals("unblocked 192.0.2.49 (1 block removed)\n", CliRun.on(db, "unblock", "192.0.2.49").ok());
        assertTrue(CliRun.on(db, "check", "192.0.2.49").ok().startsWith("action=OK\n"));
        CliRun.on(db, "unblock", "192.0.2.49").refused("no block on 192.0.2.49");
    }

    @Test
    void blocksMarksExpiredOnesAndAcceptsAnyAddress() {
        CliRun.on(db, "block", "203.0.113.0/24", "--reason", "outside, blocked anyway").ok();
        CliRun.on(db, "sql", "UPDATE blocks SET expires_at = TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00Z' WHERE cidr = '203.0.113.0/24'").ok();
        String blocks = CliRun.on(db, "blocks").ok();
        assertTrue(blocks.lines().anyMatch(l -> l.matches("\\d+ +203\\.0\\.113\\.0/24 +EXPIRED +2020-01-01T00:00:00Z .*")), blocks);
        assertTrue(CliRun.on(db, "check", "203.0.113.9").ok().contains("\nreason: not-registered\n"));
    }

    @Test
    void listJsonHasEveryFieldOfEveryRegistration() {
        JsonArray all = listJson();
        assertTrue(all.size() >= 1);
        JsonObject first = all.getJsonObject(0);
        for (String key : List.of("id", "status", "status_reason", "unit", "contact_email", "device", "reason", "signed_by",
                "signed_on", "notes", "created_at", "updated_at", "approved_at", "approved_by", "addresses")) {
            assertTrue(first.containsKey(key), key);
        }
        String table = CliRun.on(db, "list").ok();
        assertTrue(table.startsWith("ID  STATUS"), table);
        assertEquals(all.size() + 1, table.lines().count(), table);
    }

    @Test
    void networksAndPoolsListAndRemove() {
        CliRun.on(db, "networks", "add", "2001:db8:ffff::/48", "--description", "lab").ok();
        assertTrue(CliRun.on(db, "networks", "list").ok().lines().anyMatch(l -> l.matches("\\d+ +2001:db8:ffff::/48 +lab .*")));
        CliRun.on(db, "networks", "add", "2001:db8:ffff::/48").refused("already");
        assertEquals("removed institution network 2001:db8:ffff::/48\n", CliRun.on(db, "networks", "remove", "2001:db8:ffff::/48").ok());
        CliRun.on(db, "networks", "remove", "2001:db8:ffff::/48").refused("is not a");

        CliRun.on(db, "pools", "add", "2001:db8:eeee::/64").ok();
        assertTrue(CliRun.on(db, "pools", "list").ok().contains("2001:db8:eeee::/64"));
        assertFalse(CliRun.on(db, "networks", "list").ok().contains("2001:db8:eeee::/64"));
        CliRun.on(db, "pools", "remove", "2001:db8:eeee::/64").ok();
        assertFalse(CliRun.on(db, "pools", "list").ok().contains("2001:db8:eeee::/64"));
    }

    @Test
    void auditRecordsActorAndSourceForCliAndSql() {
        long id = register("192.0.2.60");
        CliRun.run("--actor", "bob", "approve", String.valueOf(id), "--db", db).ok();
        assertEquals("1 rows affected\n", CliRun.on(db, "sql", "UPDATE registrations SET notes = 'by hand' WHERE id = " + id,
                "--actor", "carol").ok());
        String audit = CliRun.on(db, "audit", "--registration", String.valueOf(id), "--limit", "5").ok();
        List<String> lines = audit.lines().toList();
        assertTrue(lines.get(0).startsWith("ID  AT"), audit);
        assertTrue(lines.get(1).matches("\\d+ +\\S+Z +carol +sql +UPDATE +registrations +" + id + " .*notes=by hand.*"), audit);
        assertTrue(lines.get(2).matches("\\d+ +\\S+Z +bob +cli +UPDATE +registrations +" + id + " .*"), audit);
        assertEquals(3, CliRun.on(db, "audit", "--limit", "2").ok().lines().count());
    }

    @Test
    void sqlQueriesPrintATableAndErrorsOneLine() {
        String out = CliRun.on(db, "sql", "SELECT cidr, description FROM institution_networks ORDER BY cidr").ok();
        assertTrue(out.startsWith("CIDR           DESCRIPTION\n"), out);
        assertTrue(out.contains("192.0.2.0/24   campus\n"), out);
        assertTrue(out.contains("2001:db8::/32  NULL\n"), out);
        assertTrue(out.endsWith(" rows)\n"), out);
        CliRun.on(db, "sql", "SELEKT nonsense").refused("Syntax error");
        CliRun.on(db, "sql", "SELECT * FROM no_such_table").refused("NO_SUCH_TABLE");
    }

    @Test
    void dbMayStandBeforeTheCommandOrAmongItsOptions() {
        String a = CliRun.run("--db", db, "list", "--status", "PENDING").ok();
        String b = CliRun.run("list", "--db", db, "--status", "PENDING").ok();
        String c = CliRun.run("list", "--status", "PENDING", "--db", db).ok();
        assertEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void checkRefusesAMalformedAddress() {
        CliRun.on(db, "check", "192.0.2.999").refused("not an IP address");
    }

    @Test
    void checkWarnsWithoutInstitutionNetworks(@TempDir Path other) {
        String fresh = other.resolve("data").toString();
        String check = CliRun.on(fresh, "check", "192.0.2.1").ok();
        assertTrue(check.startsWith("action=REJECT 5.7.1 Client 192.0.2.1 is not registered for relay"), check);
        assertTrue(check.lines().anyMatch(l -> l.startsWith("WARNING: no institution network is configured")), check);
    }

    @Test
    void anUnreadableRegistryIsOneLine(@TempDir Path other) throws Exception {
        Path file = other.resolve("not-a-dir");
        java.nio.file.Files.writeString(file, "x");
        CliRun.on(file.toString(), "list").refused("cannot open registry");
    }
}
