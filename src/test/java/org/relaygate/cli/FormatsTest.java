package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.NetworkEntry;
import org.relaygate.registry.NetworkKind;
import org.relaygate.registry.Registration;
import org.relaygate.registry.SqlResult;

class FormatsTest {

    static final Instant T0 = Instant.parse("2026-03-01T09:15:30.123456Z");

    static Registration registration(long id, RegistrationStatus status, String unit, String... addresses) {
        return new Registration(id, unit, "printers@example.edu", "HP LaserJet", "no SMTP AUTH support",
                "Dr. Jane Roe", LocalDate.parse("2026-02-27"), status, null, T0, T0, null, null, null,
                Arrays.stream(addresses).map(Cidr::parse).toList());
    }

    @Test
    void timesAreIsoUtcToTheSecond() {
        assertEquals("2026-03-01T09:15:30Z", Formats.time(T0));
        assertEquals("", Formats.time(null));
    }

    @Test
    void registrationsTableShowsHostsWithoutTheirPrefix() {
        String text = Formats.registrations(List.of(
                registration(7, RegistrationStatus.ACTIVE, "Physics", "192.0.2.7", "2001:db8:1::/48"),
                registration(12, RegistrationStatus.PENDING, "Library", "198.51.100.0/28"))).render();
        assertEquals("""
                ID  STATUS   UNIT     CONTACT               ADDRESSES                   SIGNED
                7   ACTIVE   Physics  printers@example.edu  192.0.2.7, 2001:db8:1::/48  Dr. Jane Roe 2026-02-27
                12  PENDING  Library  printers@example.edu  198.51.100.0/28             Dr. Jane Roe 2026-02-27
                """, text);
    }

    @Test
    void blocksMarkTheExpiredOnesAndTheEndless() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        String text = Formats.blocks(List.of(
                new BlockEntry(1, Cidr.parse("192.0.2.7"), "spam run", "postmaster", T0, null),
                new BlockEntry(2, Cidr.parse("192.0.2.0/24"), "compromised", "alice", T0, Instant.parse("2026-05-31T23:59:59Z")),
                new BlockEntry(3, Cidr.parse("2001:db8::/32"), "test", "bob", T0, Instant.parse("2026-06-01T00:00:01Z"))),
                now).render();
        List<String> lines = text.lines().toList();
        assertEquals(4, lines.size(), text);
        assertTrue(lines.get(0).startsWith("ID  NETWORK"), text);
        assertTrue(lines.get(1).matches("1 +192\\.0\\.2\\.7 +active +never +spam run +postmaster +2026-03-01T09:15:30Z"), lines.get(1));
        assertTrue(lines.get(2).matches("2 +192\\.0\\.2\\.0/24 +EXPIRED +2026-05-31T23:59:59Z +compromised .*"), lines.get(2));
        assertTrue(lines.get(3).matches("3 +2001:db8::/32 +active +2026-06-01T00:00:01Z .*"), lines.get(3));
    }

    @Test
    void aBlockEndingExactlyNowHasExpired() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        String text = Formats.blocks(List.of(new BlockEntry(1, Cidr.parse("192.0.2.7"), "r", "p", T0, now)), now).render();
        assertTrue(text.contains("EXPIRED"), text);
    }

    @Test
    void networksAlwaysShowTheirPrefix() {
        String text = Formats.networks(List.of(new NetworkEntry(1, NetworkKind.INSTITUTION, Cidr.parse("192.0.2.0/24"),
                "campus", "root", T0))).render();
        assertEquals("ID  NETWORK       DESCRIPTION  BY    CREATED\n1   192.0.2.0/24  campus       root  2026-03-01T09:15:30Z\n", text);
    }

    @Test
    void sqlQueryIsATableWithNullsShownAsNull() {
        SqlResult r = new SqlResult(List.of("ID", "UNIT"), List.of(List.of("1", "Physics"), Arrays.asList("22", null)), -1);
        assertEquals("""
                ID  UNIT
                1   Physics
                22  NULL
                (2 rows)
                """, Formats.sql(r));
        assertEquals("ID\n(0 rows)\n", Formats.sql(new SqlResult(List.of("ID"), List.of(), -1)));
        assertEquals("X\n1\n(1 row)\n", Formats.sql(new SqlResult(List.of("X"), List.of(List.of("1")), -1)));
    }

    @Test
    void sqlUpdateIsItsCount() {
        assertEquals("3 rows affected\n", Formats.sql(new SqlResult(List.of(), List.of(), 3)));
        assertEquals("0 rows affected\n", Formats.sql(new SqlResult(null, null, 0)));
    }

    @Test
    void showListsEveryFieldAddressesAndAudit() {
        Registration r = new Registration(5, "Chem\nistry", "c@example.edu", "scanner", "legacy firmware", "Dean",
                LocalDate.parse("2026-01-02"), RegistrationStatus.SUSPENDED, "spam", T0, T0.plusSeconds(60),
                T0.plusSeconds(30), "postmaster", "room 101", List.of(Cidr.parse("192.0.2.9"), Cidr.parse("2001:db8::/64")));
        AuditEntry a = new AuditEntry(40, T0.plusSeconds(60), "alice", "cli", "REGISTRATIONS", "5", "UPDATE",
                "status=ACTIVE", "status=SUSPENDED");
        String text = Formats.show(r, List.of(a));
        for (String expected : List.of("id:             5\n", "status:         SUSPENDED\n", "status reason:  spam\n",
                "unit:           Chem istry\n", "contact:        c@example.edu\n", "device:         scanner\n",
                "reason:         legacy firmware\n", "signed by:      Dean\n", "signed on:      2026-01-02\n",
                "notes:          room 101\n", "created at:     2026-03-01T09:15:30Z\n", "updated at:     2026-03-01T09:16:30Z\n",
                "approved at:    2026-03-01T09:16:00Z\n", "approved by:    postmaster\n",
                "addresses:\n  192.0.2.9\n  2001:db8::/64\n", "audit (latest 1, newest first):\n")) {
            assertTrue(text.contains(expected), "missing " + expected + " in\n" + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.matches("  40 +2026-03-01T09:16:30Z +alice +cli +UPDATE +REGISTRATIONS +5 +status=ACTIVE +status=SUSPENDED")), text);
    }

    @Test
    void showLeavesAbsentFieldsEmpty() {
        String text = Formats.show(registration(1, RegistrationStatus.PENDING, "U", "192.0.2.1"), List.of());
        assertTrue(text.contains("approved by:\n") || text.contains("approved by:    \n"), text);
        assertTrue(text.endsWith("audit (latest 0, newest first):\n"), text);
    }

    @Test
    void showSaysWhenEachBlockOnTheAddressesEnds() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Instant created = Instant.parse("2026-11-01T00:00:00Z");
        String text = Formats.blocksOn(List.of(
                new BlockEntry(1, Cidr.parse("192.0.2.5"), "spam run", "pm", created, Instant.parse("2026-11-29T14:00:00Z")),
                new BlockEntry(2, Cidr.parse("192.0.2.0/28"), "old", "pm", created, Instant.parse("2026-11-28T00:00:00Z")),
                new BlockEntry(3, Cidr.parse("192.0.2.6"), "no end", "pm", created, null)), now);
        assertEquals("""
                blocks:
                  192.0.2.5 (block 1) until 2026-11-29T14:00:00Z: spam run
                  192.0.2.0/28 (block 2) ended 2026-11-28T00:00:00Z: old
                  192.0.2.6 (block 3) until unblocked: no end
                """, text);
        assertEquals("blocks:         none\n", Formats.blocksOn(List.of(), now));
    }
}
