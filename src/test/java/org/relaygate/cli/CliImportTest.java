package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code relaygate import} in-process against a real H2 registry file: what it writes, and that a refusal writes nothing. */
class CliImportTest {

    private static final String HEADER = "unit,contact,device,reason,signed_by,signed_on,status,addresses\n";

    @TempDir
    static Path dir;
    static String db;
    static long registered;

    @BeforeAll
    static void seed() {
        db = dir.resolve("data").toString();
        CliRun.on(db, "networks", "add", "192.0.2.0/24").ok();
        CliRun.on(db, "networks", "add", "198.51.100.0/24").ok();
        CliRun.on(db, "networks", "add", "2001:db8::/32").ok();
        CliRun.on(db, "pools", "add", "192.0.2.128/25").ok();
        registered = Long.parseLong(CliRun.on(db, "register", "--unit", "Physics", "--contact", "p@example.edu", "--device", "copier",
                "--reason", "legacy", "--signed-by", "Head", "--ip", "192.0.2.16/29").ok().strip());
    }

    static Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    static String sql(String statement) {
        return CliRun.on(db, "sql", statement).ok();
    }

    static String value(String query) {
        List<String> lines = sql(query).lines().toList();
        return lines.get(1).strip();
    }

    static String fingerprint() {
        return sql("SELECT (SELECT COUNT(*) FROM registrations) r, (SELECT COUNT(*) FROM registration_addresses) a,"
                + " (SELECT COUNT(*) FROM audit_log) l, (SELECT COUNT(*) FROM outbox) o, (SELECT revision FROM registry_meta) v");
    }

    static JsonObject registration(long id) {
        JsonArray all = new JsonArray(CliRun.on(db, "list", "--json").ok());
        for (int i = 0; i < all.size(); i++) {
            if (all.getJsonObject(i).getLong("id") == id) {
                return all.getJsonObject(i);
            }
        }
        throw new AssertionError("no registration " + id);
    }

    @Test
    void aGoodCsvImportsEveryRowWithAuditRowsAndOneRevisionBump() throws IOException {
        Path csv = file("good.csv", HEADER
                + "\"Physics, Dept.\",it@Example.EDU,\"Printer \"\"12\"\"\",no AUTH,Dr. Head,2024-05-01,ACTIVE,192.0.2.40 2001:db8:40::/48\n"
                + "Chemistry,c@example.edu,scanner,legacy,Dean,,,192.0.2.41\n"
                + "Biology,b@example.edu,old box,gone,Dean,2020-01-01,REVOKED,192.0.2.16\n");
        long revision = Long.parseLong(value("SELECT revision FROM registry_meta"));
        String outbox = value("SELECT COUNT(*) FROM outbox");

        String out = CliRun.on(db, "import", csv.toString(), "--actor", "importer").ok();
        assertTrue(out.matches("imported 3 registrations \\(4 addresses\\) from .*good\\.csv as ids \\d+\\.\\.\\d+ in \\d+\\.\\d s\n"), out);
        long first = Long.parseLong(out.replaceAll(".* as ids (\\d+)\\.\\..*\n", "$1"));

        JsonObject active = registration(first);
        assertEquals("ACTIVE", active.getString("status"));
        assertEquals("Physics, Dept.", active.getString("unit"));
        assertEquals("it@example.edu", active.getString("contact_email"), "normalized as register does");
        assertEquals("Printer \"12\"", active.getString("device"));
        assertEquals("2024-05-01", active.getString("signed_on"));
        assertEquals("importer", active.getString("approved_by"));
        assertTrue(active.getString("approved_at") != null);
        assertEquals(new JsonArray().add("192.0.2.40/32").add("2001:db8:40::/48"), active.getJsonArray("addresses"));
        JsonObject pending = registration(first + 1);
        assertEquals("PENDING", pending.getString("status"));
        assertNull(pending.getString("approved_at"));
        assertEquals(java.time.LocalDate.now().toString(), pending.getString("signed_on"));
        assertEquals("REVOKED", registration(first + 2).getString("status"), "a revoked row may overlap a live registration");

        assertEquals(revision + 1, Long.parseLong(value("SELECT revision FROM registry_meta")), "bumped once");
        assertEquals(outbox, value("SELECT COUNT(*) FROM outbox"), "no notices for imported registrations");
        assertEquals("3", value("SELECT COUNT(*) FROM audit_log WHERE table_name = 'registrations' AND operation = 'INSERT'"
                + " AND actor = 'importer' AND source = 'import' AND row_id >= " + first));
        assertEquals("4", value("SELECT COUNT(*) FROM audit_log a JOIN registration_addresses r ON r.id = a.row_id"
                + " WHERE a.table_name = 'registration_addresses' AND a.source = 'import' AND r.registration_id >= " + first));
        assertTrue(value("SELECT new_value FROM audit_log WHERE table_name = 'import' ORDER BY id DESC LIMIT 1")
                .startsWith("file=good.csv, format=csv, registrations=3, addresses=4, ids=" + first + ".." + (first + 2)));
        assertTrue(CliRun.on(db, "audit", "--registration", String.valueOf(first)).ok().contains("registration_id=" + first));
        sameAsTheTriggersWrite(first);
        assertTrue(CliRun.on(db, "check", "192.0.2.40").ok().startsWith("action=OK\n"));
    }

    /**
     * The bulk path's audit text and cidr columns equal what the triggers write: copy the imported
     * rows with plain SQL (the triggers run), then compare the audit rows and recompute the columns.
     */
    private void sameAsTheTriggersWrite(long id) {
        String columns = "unit, contact_email, device, reason, signed_by, signed_on, status, status_reason, created_at,"
                + " approved_at, approved_by, notes";
        sql("INSERT INTO registrations (" + columns + ") SELECT " + columns + " FROM registrations WHERE id = " + id);
        long copy = Long.parseLong(value("SELECT MAX(id) FROM registrations"));
        sql("INSERT INTO registration_addresses (registration_id, cidr) SELECT " + copy + ", cidr FROM registration_addresses"
                + " WHERE registration_id = " + id + " AND family = 6");
        String bulk = value("SELECT new_value FROM audit_log WHERE table_name = 'registrations' AND row_id = " + id);
        String trigger = value("SELECT new_value FROM audit_log WHERE table_name = 'registrations' AND row_id = " + copy);
        assertEquals(trigger, bulk.replace("id=" + id + ",", "id=" + copy + ","));
        String bulkAddress = value("SELECT a.row_id || ' ' || a.new_value FROM audit_log a JOIN registration_addresses r ON r.id = a.row_id"
                + " WHERE a.table_name = 'registration_addresses' AND r.registration_id = " + id + " AND r.family = 6");
        String triggerAddress = value("SELECT a.row_id || ' ' || a.new_value FROM audit_log a JOIN registration_addresses r ON r.id = a.row_id"
                + " WHERE a.table_name = 'registration_addresses' AND r.registration_id = " + copy);
        assertEquals(triggerAddress.replaceAll("^\\d+ id=\\d+, registration_id=\\d+", ""),
                bulkAddress.replaceAll("^\\d+ id=\\d+, registration_id=\\d+", ""));
        assertTrue(bulkAddress.matches("(\\d+) id=\\1, registration_id=" + id + ", cidr=2001:db8:40::/48"), bulkAddress);
        String ranges = "SELECT id, cidr, family, range_start, range_end FROM registration_addresses WHERE registration_id = " + id + " ORDER BY id";
        String before = sql(ranges);
        sql("UPDATE registration_addresses SET cidr = cidr WHERE registration_id = " + id); // CidrColumnsTrigger recomputes
        assertEquals(before, sql(ranges));
        sql("DELETE FROM registrations WHERE id = " + copy);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "U,not-an-email,d,r,s,,,192.0.2.50                 | line 3: contact email \"not-an-email\" is not a plausible address",
        "U,u@example.edu,d,r,s,,ACTIVATED,192.0.2.50       | line 3: unknown status \"ACTIVATED\"",
        "U,u@example.edu,d,r,s,2024-13-01,,192.0.2.50      | line 3: signed_on \"2024-13-01\" is not a date",
        "U,u@example.edu,,r,s,,,192.0.2.50                 | line 3: device is required",
        "U,u@example.edu,d,r,s,,,                          | line 3: at least one address is required",
        "U,u@example.edu,d,r,s,,,192.0.2.300               | line 3: not an IP address or CIDR",
        "U,u@example.edu,d,r,s,,,10.0.0.0/8                | line 3: 10.0.0.0/8 is too wide",
        "U,u@example.edu,d,r,s,,,203.0.113.5               | line 3: 203.0.113.5 is outside the institution networks",
        "U,u@example.edu,d,r,s,,,192.0.2.200               | line 3: 192.0.2.200 overlaps dynamic pool 192.0.2.128/25",
        "U,u@example.edu,d,r,s,,,192.0.2.17                | line 3: 192.0.2.17 is already registered: registration",
        "U,u@example.edu,d,r,s,,,198.51.100.0/30           | line 3: 198.51.100.0/30 overlaps 198.51.100.1 on line 2",
    })
    void oneBadLineImportsNothingAndNamesTheLine(String line, String expected) throws IOException {
        Path csv = file("bad.csv", HEADER + "Good,g@example.edu,d,r,s,,ACTIVE,198.51.100.1\n" + line + "\n"
                + "Good,g@example.edu,d,r,s,,,198.51.100.2\n");
        String before = fingerprint();
        String refusal = CliRun.on(db, "import", csv.toString()).refused(expected);
        assertTrue(refusal.contains("bad.csv line 3: ") && refusal.endsWith("(nothing imported)"), refusal);
        assertEquals(before, fingerprint(), "nothing written");
    }

    @Test
    void dryRunChecksAndWritesNothing() throws IOException {
        Path csv = file("dry.csv", HEADER + "U,u@example.edu,d,r,s,,,192.0.2.60\n");
        String before = fingerprint();
        assertTrue(CliRun.on(db, "import", csv.toString(), "--dry-run").ok().startsWith("dry run: 1 registration (1 address) would be imported"));
        assertEquals(before, fingerprint());
    }

    @Test
    void postfixTablesAndListsBecomeActiveRegistrationsOfTheFlags() throws IOException {
        Path table = file("client_access", "# relay hosts\n198.51.100.64/28 OK\n198.51.100.80 OK\n127.0.0.1 OK\n");
        String out = CliRun.on(db, "import", table.toString(), "--format", "postfix", "--unit", "Mail", "--contact", "mail@example.edu",
                "--actor", "migrator").ok();
        assertTrue(out.matches("imported 2 registrations \\(2 addresses\\) from .* as ids \\d+\\.\\.\\d+ in .* s; left out: 1 loopback network\n"), out);
        long first = Long.parseLong(out.replaceAll(".* as ids (\\d+)\\.\\..*\n", "$1"));
        JsonObject r = registration(first);
        assertEquals("ACTIVE", r.getString("status"));
        assertEquals("Mail", r.getString("unit"));
        assertEquals("imported from client_access", r.getString("device"));
        assertEquals("migrator", r.getString("signed_by"));
        assertEquals("imported from client_access line 2", r.getString("notes"));
        assertEquals(new JsonArray().add("198.51.100.64/28"), r.getJsonArray("addresses"));

        Path mynetworks = file("main.cf.part", "mynetworks = 127.0.0.0/8 [::1]/128\n    [2001:db8:99::]/64, 198.51.100.96/29\n");
        assertTrue(CliRun.on(db, "import", mynetworks.toString(), "--format", "postfix", "--unit", "Mail", "--contact", "mail@example.edu",
                "--device", "relay host", "--reason", "mynetworks").ok().startsWith("imported 2 registrations"));
        assertTrue(CliRun.on(db, "check", "2001:db8:99::5").ok().startsWith("action=OK\n"));
    }

    @Test
    void postfixRefusalsNameTheLineOrTheMissingFlags() throws IOException {
        Path table = file("access", "198.51.100.200 OK\n198.51.100.201 REJECT no\n");
        String before = fingerprint();
        CliRun.on(db, "import", table.toString(), "--format", "postfix", "--unit", "Mail", "--contact", "m@example.edu")
                .refused("access line 2: action \"REJECT\" does not allow relaying");
        CliRun.on(db, "import", table.toString(), "--format", "postfix", "--unit", "Mail").refused("(missing: --contact)");
        CliRun.on(db, "import", table.toString(), "--format", "postfix").refused("(missing: --unit, --contact)");
        CliRun.on(db, "import", table.toString(), "--unit", "Mail").refused("are for --format postfix");
        CliRun.on(db, "import", dir.resolve("nope.csv").toString()).refused("no such file");
        assertEquals(before, fingerprint());
        assertTrue(CliRun.on(db, "import", table.toString(), "--format", "postfix", "--unit", "Mail", "--contact", "m@example.edu",
                "--skip-other-actions").ok().contains("left out: 1 entry with another action than OK"));
    }
}
