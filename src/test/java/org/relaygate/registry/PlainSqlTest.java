package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.RegistrationStatus;

/**
 * The schema as a public interface: changes over a separate plain JDBC session are normalized by
 * the triggers, audited as source 'sql' and bump the revision; relaygate's own sql() is audited
 * with its actor.
 */
@ExtendWith(VertxExtension.class)
class PlainSqlTest {

    @TempDir
    static Path dir;
    static Registry registry;
    static Connection plain;

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

    private static long insertRegistration(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO registrations (unit, contact_email, device, reason,"
                + " signed_by) VALUES ('Chemistry', 'chem@example.edu', 'plotter', 'old firmware', 'Dr. Lab')",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static List<List<String>> query(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement st = plain.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static void update(String sql) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    @Test
    void plainSqlChangesAreNormalizedAuditedAndBumpTheRevision() throws SQLException {
        long before = await(registry.revision());
        long id = insertRegistration(plain);
        update("INSERT INTO registration_addresses (registration_id, cidr) VALUES (" + id + ", '192.0.2.0/24')");
        update("INSERT INTO registration_addresses (registration_id, cidr) VALUES (" + id + ", '::FFFF:198.51.100.9')");
        update("INSERT INTO registration_addresses (registration_id, cidr) VALUES (" + id + ", '2001:DB8:0:0:0:0:0:1')");
        assertEquals(before + 4, await(registry.revision()), "one bump per changing statement");

        assertEquals(List.of(List.of("192.0.2.0/24", "4", "c0000200", "c00002ff"),
                        List.of("198.51.100.9/32", "4", "c6336409", "c6336409"),
                        List.of("2001:db8::1/128", "6", "20010db8000000000000000000000001", "20010db8000000000000000000000001")),
                query("SELECT cidr, family, range_start, range_end FROM registration_addresses WHERE registration_id = "
                        + id + " ORDER BY id"));
        Registration r = await(registry.get(id));
        assertEquals(RegistrationStatus.PENDING, r.status(), "status defaults to PENDING");
        assertEquals(3, r.addresses().size());

        List<AuditEntry> audit = await(registry.audit(id, 10));
        assertEquals(4, audit.size());
        for (AuditEntry e : audit) {
            assertEquals("sql", e.source());
            assertEquals(SessionActor.UNKNOWN_USER, e.actor(), "the URL has no user name");
            assertEquals("INSERT", e.operation());
        }
        assertEquals("registration_addresses", audit.get(0).tableName(), "newest first");
        assertTrue(audit.get(0).newValue().contains("registration_id=" + id + ", cidr=2001:db8::1/128"),
                audit.get(0).newValue());
        assertEquals("registrations", audit.get(3).tableName());
        assertEquals(String.valueOf(id), audit.get(3).rowId());
    }

    @Test
    void anAdminMayNameHimselfForTheAudit() throws SQLException {
        try (Connection c = RegistryTestSupport.plainSql(dir)) {
            try (Statement st = c.createStatement()) {
                st.execute("SET @actor = 'dba-dave'");
            }
            long id = insertRegistration(c);
            AuditEntry e = await(registry.audit(id, 1)).get(0);
            assertEquals("dba-dave", e.actor());
            assertEquals("sql", e.source());
        }
    }

    @Test
    void malformedNetworksFailTheStatement() {
        SQLException e = assertThrows(SQLException.class, () -> update(
                "INSERT INTO blocks (cidr, reason) VALUES ('192.0.2.300', 'typo')"));
        assertTrue(e.getMessage().contains("blocks.cidr: not an IP address or CIDR: \"192.0.2.300\""), e.getMessage());
        e = assertThrows(SQLException.class, () -> update(
                "INSERT INTO dynamic_pools (cidr) VALUES ('192.0.2.1/24')"));
        assertTrue(e.getMessage().contains("dynamic_pools.cidr: \"192.0.2.1/24\" has host bits set; did you mean 192.0.2.0/24?"),
                e.getMessage());
        e = assertThrows(SQLException.class, () -> update(
                "UPDATE registrations SET status = 'active' WHERE id = (SELECT MIN(id) FROM registrations)"));
        assertTrue(e.getMessage().contains("REGISTRATIONS_STATUS_CHECK"), e.getMessage());
    }

    @Test
    void updatesRecomputeRangesAndTouchUpdatedAt() throws SQLException {
        long id = insertRegistration(plain);
        update("INSERT INTO blocks (cidr, reason) VALUES ('203.0.113.0/24', 'scan')");
        update("UPDATE blocks SET cidr = '203.0.113.128/25' WHERE cidr = '203.0.113.0/24'");
        assertEquals(List.of(List.of("203.0.113.128/25", "cb007180", "cb0071ff", "unknown")),
                query("SELECT cidr, range_start, range_end, created_by FROM blocks WHERE reason = 'scan'"));
        String updatedBefore = query("SELECT updated_at FROM registrations WHERE id = " + id).get(0).get(0);
        update("UPDATE registrations SET notes = 'called them' WHERE id = " + id);
        String updatedAfter = query("SELECT updated_at FROM registrations WHERE id = " + id).get(0).get(0);
        assertTrue(updatedAfter.compareTo(updatedBefore) > 0, updatedBefore + " -> " + updatedAfter);
        AuditEntry e = await(registry.audit(id, 1)).get(0);
        assertEquals("UPDATE", e.operation());
        assertEquals("notes=NULL", e.oldValue());
        assertEquals("notes=called them", e.newValue());
    }

    @Test
    void relaygateSqlRecordsItsActor() {
        long id = await(registry.register(form("10.1.2.3"), CLI));
        SqlResult changed = await(registry.sql("UPDATE registrations SET notes = 'via cli' WHERE id = " + id,
                new Actor("bob", "cli")));
        assertEquals(1, changed.updateCount());
        AuditEntry e = await(registry.audit(id, 1)).get(0);
        assertEquals("bob", e.actor());
        assertEquals("cli", e.source());
        assertEquals("notes=via cli", e.newValue());
    }

    @Test
    void sqlQueriesAndErrors() {
        SqlResult result = await(registry.sql("SELECT 1 AS one, CAST(NULL AS VARCHAR) AS nothing, 'x' AS x", CLI));
        assertEquals(List.of("ONE", "NOTHING", "X"), result.columns());
        assertEquals(List.of(List.of("1", "NULL", "x")), result.rows());
        assertEquals(-1, result.updateCount());
        String error = refusal(registry.sql("SELECT * FROM no_such_table", CLI));
        assertTrue(error.startsWith("Table \"NO_SUCH_TABLE\" not found"), error);
        assertEquals("empty SQL statement", refusal(registry.sql("  ", CLI)));
    }

    @Test
    void auditOfOneRegistrationIncludesItsAddressesOnly() throws SQLException {
        long first = await(registry.register(form("10.7.0.1"), CLI));
        for (int i = 0; i < 10; i++) {
            await(registry.register(form("10.7.1." + (i + 1)), CLI)); // ids first+1 .. first+10, e.g. 1 and 11
        }
        update("DELETE FROM registrations WHERE id = " + first);
        List<AuditEntry> audit = await(registry.audit(first, 100));
        assertEquals(List.of("registration_addresses DELETE", "registrations DELETE",
                        "registration_addresses INSERT", "registrations INSERT"),
                audit.stream().map(e -> e.tableName() + " " + e.operation()).toList(), "cascaded delete is audited too");
        assertTrue(audit.stream().allMatch(e -> e.tableName().equals("registrations") ? e.rowId().equals(String.valueOf(first))
                : (e.oldValue() + e.newValue()).contains("registration_id=" + first + ",")));
        assertEquals(3, await(registry.audit(null, 3)).size());
        assertEquals("audit limit must be 1..100000, got 0", refusal(registry.audit(null, 0)));
    }
}
