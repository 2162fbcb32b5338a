package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyEngineTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    /** A clock the test moves by hand, so block expiry is exact and no test sleeps. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static RegisteredAddress reg(long id, String cidr, RegistrationStatus status, String why) {
        return new RegisteredAddress(id, Cidr.parse(cidr), status, why);
    }

    private static Block block(long id, String cidr, String reason, Instant expires) {
        return new Block(id, Cidr.parse(cidr), reason, expires);
    }

    private static final Snapshot SNAPSHOT = Snapshot.build(7, NOW, List.of(
            reg(1, "192.0.2.0/28", RegistrationStatus.ACTIVE, ""),
            reg(2, "192.0.2.16/28", RegistrationStatus.PENDING, ""),
            reg(3, "192.0.2.32/28", RegistrationStatus.SUSPENDED, "lost laptop"),
            reg(4, "192.0.2.48/28", RegistrationStatus.REVOKED, "left the unit"),
            reg(5, "2001:db8:1::/48", RegistrationStatus.ACTIVE, ""),
            reg(6, "2001:db8:2::7", RegistrationStatus.SUSPENDED, ""),
            reg(10, "203.0.113.0/24", RegistrationStatus.REVOKED, ""),
            reg(11, "203.0.113.64/26", RegistrationStatus.ACTIVE, ""),
            reg(12, "198.51.100.0/24", RegistrationStatus.ACTIVE, ""),
            reg(13, "198.51.100.9", RegistrationStatus.REVOKED, ""),
            reg(20, "198.18.0.0/24", RegistrationStatus.ACTIVE, ""),
            reg(21, "198.18.0.0/24", RegistrationStatus.SUSPENDED, "duplicate by SQL"),
            reg(22, "198.18.0.0/24", RegistrationStatus.PENDING, ""),
            reg(23, "198.18.1.0/24", RegistrationStatus.PENDING, ""),
            reg(24, "198.18.1.0/24", RegistrationStatus.ACTIVE, ""),
            reg(25, "198.18.2.0/24", RegistrationStatus.REVOKED, ""),
            reg(26, "198.18.2.0/24", RegistrationStatus.ACTIVE, "")),
            List.of(block(100, "192.0.2.5", "spam from the printer", null),
                    block(101, "2001:db8:1::/64", "compromised subnet", NOW.plus(Duration.ofDays(2))),
                    block(102, "192.0.2.64/26", "blocked range", null)),
            true);

    private final PolicyEngine engine = new PolicyEngine(DecisionTexts.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));

    private static PolicyRequest rcpt(String client) {
        return PolicyRequest.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "client_address", client);
    }

    @ParameterizedTest(name = "{0} -> {1} {2} #{3}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.1           | OK     | REGISTERED         | 1  | 192.0.2.0/28",
            "192.0.2.15          | OK     | REGISTERED         | 1  | 192.0.2.0/28",
            "::ffff:192.0.2.1    | OK     | REGISTERED         | 1  | 192.0.2.0/28",
            "::ffff:c000:201     | OK     | REGISTERED         | 1  | 192.0.2.0/28",
            "2001:db8:1:1::9     | OK     | REGISTERED         | 5  | 2001:db8:1::/48",
            "2001:DB8:1:1:0::9   | OK     | REGISTERED         | 5  | 2001:db8:1::/48",
            "192.0.2.17          | REJECT | PENDING            | 2  | 192.0.2.16/28",
            "192.0.2.33          | REJECT | SUSPENDED          | 3  | 192.0.2.32/28",
            "2001:db8:2::7       | REJECT | SUSPENDED          | 6  | 2001:db8:2::7/128",
            "192.0.2.49          | REJECT | REVOKED            | 4  | 192.0.2.48/28",
            "192.0.2.200         | REJECT | NOT_REGISTERED     | 0  | ",
            "2001:db8:2::8       | REJECT | NOT_REGISTERED     | 0  | ",
            "::1                 | REJECT | NOT_REGISTERED     | 0  | ",
            "192.0.2.5           | REJECT | BLOCKED            | 0  | 192.0.2.5/32",
            "::ffff:192.0.2.5    | REJECT | BLOCKED            | 0  | 192.0.2.5/32",
            "2001:db8:1::1       | REJECT | BLOCKED            | 0  | 2001:db8:1::/64",
            "192.0.2.70          | REJECT | BLOCKED            | 0  | 192.0.2.64/26",
            "203.0.113.70        | OK     | REGISTERED         | 11 | 203.0.113.64/26",
            "203.0.113.5         | REJECT | REVOKED            | 10 | 203.0.113.0/24",
            "198.51.100.9        | OK     | REGISTERED         | 12 | 198.51.100.0/24",
            "198.18.0.1          | REJECT | SUSPENDED          | 21 | 198.18.0.0/24",
            "198.18.1.1          | REJECT | PENDING            | 23 | 198.18.1.0/24",
            "198.18.2.1          | OK     | REGISTERED         | 26 | 198.18.2.0/24",
            "''                  | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
            "unknown             | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
            "192.0.2.256         | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
            "192.0.2.1/32        | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
            "192.0.2.01          | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
            "2001:db8:1::1::1    | REJECT | BAD_CLIENT_ADDRESS | 0  | ",
    })
    void decidesAtRcpt(String client, Action action, Reason reason, long registration, String matched) {
        Decision d = engine.decide(rcpt(client), SNAPSHOT);
        assertEquals(action, d.action(), d::toString);
        assertEquals(reason, d.reason(), d::toString);
        assertEquals(registration, d.registrationId(), d::toString);
        assertEquals(matched == null ? null : Cidr.parse(matched), d.matched(), d::toString);
        if (action == Action.OK) {
            assertEquals("", d.text());
            assertEquals("OK", d.actionLine());
            assertTrue(d.permits());
        } else {
            assertTrue(d.text().startsWith("5.7.1 "), d.text());
            assertFalse(d.permits());
            assertEquals("REJECT " + d.text(), d.actionLine());
        }
    }

    @Test
    void eachRefusalHasItsOwnTextNamingTheClient() {
        String[][] cases = {
                {"192.0.2.5", "blocked by the postmaster: spam from the printer"},
                {"192.0.2.17", "registration #2 for 192.0.2.17 is pending approval"},
                {"192.0.2.33", "registration #3 for 192.0.2.33 is suspended: lost laptop"},
                {"192.0.2.49", "registration #4 for 192.0.2.49 has been revoked"},
                {"192.0.2.200", "192.0.2.200 is not registered for relay; register at the postmaster's mail relay registration form"},
                {"192.0.2.999", "192.0.2.999 is not a valid IP address"},
        };
        Set<String> texts = new HashSet<>();
        for (String[] c : cases) {
            Decision d = engine.decide(rcpt(c[0]), SNAPSHOT);
            assertEquals(Action.REJECT, d.action());
            assertTrue(d.text().startsWith("5.7.1 "), d.text());
            assertTrue(d.text().contains(c[0]), d.text());
            assertTrue(d.text().contains(c[1]), d.text());
            texts.add(d.text().replace(c[0], "CLIENT"));
        }
        assertEquals(cases.length, texts.size(), "every refusal reads differently: " + texts);
    }

    @Test
    void mappedClientIsShownInIpv4Form() {
        Decision d = engine.decide(rcpt("::ffff:192.0.2.17"), SNAPSHOT);
        assertEquals("5.7.1 Relay registration #2 for 192.0.2.17 is pending approval by the postmaster", d.text());
    }

    @Test
    void blockBeatsActiveAndShowsItsExpiry() {
        Decision d = engine.decide(rcpt("2001:db8:1::1"), SNAPSHOT);
        assertEquals("5.7.1 Relay access for 2001:db8:1::1 is blocked by the postmaster: compromised subnet"
                + " (until 2025-06-03 12:00 UTC)", d.text());
        Decision permanent = engine.decide(rcpt("192.0.2.5"), SNAPSHOT);
        assertEquals("5.7.1 Relay access for 192.0.2.5 is blocked by the postmaster: spam from the printer", permanent.text());
    }

    @Test
    void expiredBlockStepsAsideForTheBlockBeneathThenForTheRegistration() {
        MutableClock clock = new MutableClock(NOW);
        PolicyEngine timed = new PolicyEngine(DecisionTexts.DEFAULTS, clock);
        Snapshot s = Snapshot.build(1, NOW, List.of(reg(1, "198.51.100.0/24", RegistrationStatus.ACTIVE, "")),
                List.of(block(1, "198.51.100.7", "long block, now over", NOW.minusSeconds(1)),
                        block(2, "198.51.100.0/25", "short block", NOW.plus(Duration.ofHours(1))),
                        block(3, "198.51.100.0/24", "", NOW.plus(Duration.ofMinutes(30)))),
                true);
        Decision d = timed.decide(rcpt("198.51.100.7"), s);
        assertEquals(Reason.BLOCKED, d.reason());
        assertEquals("5.7.1 Relay access for 198.51.100.7 is blocked by the postmaster: short block (until 2025-06-01 13:00 UTC)", d.text());
        assertEquals(Cidr.parse("198.51.100.0/25"), d.matched());
        assertEquals("5.7.1 Relay access for 198.51.100.200 is blocked by the postmaster: no reason given (until 2025-06-01 12:30 UTC)",
                timed.decide(rcpt("198.51.100.200"), s).text(), "a blank reason is said so");

        clock.set(NOW.plus(Duration.ofMinutes(59)));
        assertEquals(d.text(), timed.decide(rcpt("198.51.100.7"), s).text());
        assertEquals(Action.OK, timed.decide(rcpt("198.51.100.200"), s).action(), "the /24 block ended after 30 minutes");

        clock.set(NOW.plus(Duration.ofHours(1))); // the expiry instant itself no longer blocks
        Decision after = timed.decide(rcpt("198.51.100.7"), s);
        assertEquals(Action.OK, after.action(), after::toString);
        assertEquals(1, after.registrationId());
    }

    @Test
    void activeBlockIsChosenMostSpecificFirst() {
        Snapshot s = Snapshot.build(1, NOW, List.of(), List.of(
                block(1, "10.0.0.0/8", "wide", null),
                block(2, "10.1.0.0/16", "narrow", NOW.plusSeconds(60))), true);
        assertEquals("narrow", s.activeBlock(IpAddress.parse("10.1.2.3"), NOW).reason());
        assertEquals("wide", s.activeBlock(IpAddress.parse("10.1.2.3"), NOW.plusSeconds(60)).reason());
        assertEquals("wide", s.activeBlock(IpAddress.parse("10.2.2.3"), NOW).reason());
        assertNull(s.activeBlock(IpAddress.parse("11.0.0.0"), NOW));
    }

    @ParameterizedTest(name = "protocol_state={0}")
    @ValueSource(strings = {"CONNECT", "EHLO", "HELO", "MAIL", "VRFY", "ETRN", "DATA", "END-OF-MESSAGE", "unknown"})
    void otherStatesAnswerDunnoEvenForBlockedOrBadClients(String state) {
        for (String client : new String[] {"192.0.2.1", "192.0.2.5", "192.0.2.200", "garbage"}) {
            Decision d = engine.decide(PolicyRequest.of("protocol_state", state, "client_address", client), SNAPSHOT);
            assertEquals(new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null), d);
            assertEquals("DUNNO", d.actionLine());
        }
    }

    @ParameterizedTest(name = "protocol_state \"{0}\" is judged as RCPT")
    @ValueSource(strings = {"RCPT", "rcpt", "Rcpt", ""})
    void rcptAndMissingStateAreJudged(String state) {
        assertEquals(Action.OK, engine.decide(PolicyRequest.of("protocol_state", state, "client_address", "192.0.2.1"), SNAPSHOT).action());
        assertEquals(Reason.NOT_REGISTERED, engine.decide(PolicyRequest.of("protocol_state", state, "client_address", "192.0.2.201"), SNAPSHOT).reason());
        assertEquals(Reason.BLOCKED, engine.decide(PolicyRequest.of("protocol_state", state, "client_address", "192.0.2.5"), SNAPSHOT).reason());
    }

    @Test
    void missingProtocolStateAndMissingClientAreJudgedNeverOk() {
        assertEquals(Action.OK, engine.decide(PolicyRequest.of("client_address", "192.0.2.1"), SNAPSHOT).action());
        Decision none = engine.decide(PolicyRequest.of(), SNAPSHOT);
        assertEquals(Action.REJECT, none.action());
        assertEquals(Reason.BAD_CLIENT_ADDRESS, none.reason());
    }

    @ParameterizedTest(name = "client {0}")
    @ValueSource(strings = {"", " ", "unknown", "192.0.2.1\r\naction=OK", "192.0.2.1\naction=OK\n\n", "\u0000", "[",
            "::ffff:300.1.1.1", "192.0.2.1 192.0.2.2", "{postmaster}{register}{client}"})
    void garbageClientIsRefusedOnOneLine(String client) {
        Decision d = engine.decide(rcpt(client), SNAPSHOT);
        assertEquals(Action.REJECT, d.action());
        assertEquals(Reason.BAD_CLIENT_ADDRESS, d.reason());
        assertOneLine(d.actionLine());
        assertTrue(d.text().startsWith("5.7.1 Client address "), d.text());
    }

    @Test
    void placeholdersInsideValuesAreNotExpanded() {
        Decision bad = engine.decide(rcpt("{register}"), SNAPSHOT);
        assertEquals("5.7.1 Client address {register} is not a valid IP address", bad.text());
        Snapshot s = Snapshot.build(1, NOW, List.of(),
                List.of(block(1, "192.0.2.0/24", "ask {postmaster} about {client}{until}", null)), true);
        assertEquals("5.7.1 Relay access for 192.0.2.1 is blocked by the postmaster: ask {postmaster} about {client}{until}",
                engine.decide(rcpt("192.0.2.1"), s).text());
    }

    @Test
    void hugeGarbageClientIsCutShort() {
        Decision d = engine.decide(rcpt("x".repeat(100_000)), SNAPSHOT);
        assertTrue(d.text().length() <= 450, "length " + d.text().length());
        assertTrue(d.text().startsWith("5.7.1 Client address xxx"), d.text().substring(0, 40));
    }

    @Test
    void longTextIsNotCutInsideASurrogatePair() {
        String reason = "\uD83D\uDCE7".repeat(300); // U+1F4E7, two chars each
        for (int pad = 0; pad < 2; pad++) {
            Snapshot s = Snapshot.build(1, NOW, List.of(), List.of(block(1, "192.0.2.0/24", "x".repeat(pad) + reason, null)), true);
            String text = engine.decide(rcpt("192.0.2.1"), s).text();
            assertTrue(text.length() <= 450);
            assertFalse(Character.isHighSurrogate(text.charAt(text.length() - 1)), "ends in half a character");
        }
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(strings = {"spam\r\naction=OK", "a\nb", "tab\there", "nul\u0000", "esc\u001b[31m", "del\u007f",
            "\r\n\r\n", "cr\r", "nel\u0085line", "ls\u2028ps\u2029"})
    void controlCharactersInReasonsNeverSplitTheLine(String reason) {
        Snapshot s = Snapshot.build(1, NOW, List.of(reg(1, "192.0.2.0/25", RegistrationStatus.SUSPENDED, reason)),
                List.of(block(1, "192.0.2.128/25", reason, null)), true);
        Decision blocked = engine.decide(rcpt("192.0.2.200"), s);
        Decision suspended = engine.decide(rcpt("192.0.2.1"), s);
        assertEquals(Reason.BLOCKED, blocked.reason());
        assertEquals(Reason.SUSPENDED, suspended.reason());
        assertOneLine(blocked.actionLine());
        assertOneLine(suspended.actionLine());
    }

    @Test
    void customTextsAreUsed() {
        DecisionTexts custom = new DecisionTexts(
                "5.7.1 B {client} {network} {reason}{until}",
                "5.7.1 P {client} {registration} {network}",
                "5.7.1 S {client} {registration} {reason} {postmaster}",
                "5.7.1 R {client} {registration} {postmaster}",
                "5.7.1 U {client} see {register}",
                "5.1.7 X {client}",
                "https://relay.example/register",
                "postmaster@example.org");
        PolicyEngine e = new PolicyEngine(custom, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("5.7.1 B 192.0.2.5 192.0.2.5 spam from the printer", e.decide(rcpt("192.0.2.5"), SNAPSHOT).text());
        assertEquals("5.7.1 B 2001:db8:1::1 2001:db8:1::/64 compromised subnet (until 2025-06-03 12:00 UTC)",
                e.decide(rcpt("2001:db8:1::1"), SNAPSHOT).text());
        assertEquals("5.7.1 P 192.0.2.17 #2 192.0.2.16/28", e.decide(rcpt("192.0.2.17"), SNAPSHOT).text());
        assertEquals("5.7.1 S 192.0.2.33 #3 lost laptop postmaster@example.org", e.decide(rcpt("192.0.2.33"), SNAPSHOT).text());
        assertEquals("5.7.1 S 2001:db8:2::7 #6 no reason given postmaster@example.org", e.decide(rcpt("2001:db8:2::7"), SNAPSHOT).text());
        assertEquals("5.7.1 R 192.0.2.49 #4 postmaster@example.org", e.decide(rcpt("192.0.2.49"), SNAPSHOT).text());
        assertEquals("5.7.1 U 10.9.9.9 see https://relay.example/register", e.decide(rcpt("10.9.9.9"), SNAPSHOT).text());
        assertEquals("5.1.7 X bogus", e.decide(rcpt("bogus"), SNAPSHOT).text());
    }

    @Test
    void emptySnapshotRefusesEveryone() {
        Snapshot empty = Snapshot.empty();
        assertEquals(-1, empty.revision());
        assertFalse(empty.institutionNetworksConfigured());
        for (String client : new String[] {"192.0.2.1", "::1", "0.0.0.0", "255.255.255.255"}) {
            Decision d = engine.decide(rcpt(client), empty);
            assertEquals(Action.REJECT, d.action());
            assertEquals(Reason.NOT_REGISTERED, d.reason());
        }
    }

    @Test
    void snapshotCountsItsEntries() {
        assertEquals(7, SNAPSHOT.revision());
        assertEquals(NOW, SNAPSHOT.loadedAt());
        assertEquals(13, SNAPSHOT.liveEntries());
        assertEquals(4, SNAPSHOT.revokedEntries());
        assertEquals(3, SNAPSHOT.blockEntries());
        assertTrue(SNAPSHOT.institutionNetworksConfigured());
    }

    /** SQL may put two registrations on one network; whatever the row order, the stricter one decides. */
    @Test
    void overlapBySqlTheMoreRestrictiveWinsInAnyOrder() {
        RegistrationStatus[] statuses = RegistrationStatus.values();
        for (RegistrationStatus a : statuses) {
            for (RegistrationStatus b : statuses) {
                List<RegisteredAddress> rows = new ArrayList<>(List.of(
                        reg(1, "192.0.2.0/24", a, "a"), reg(2, "192.0.2.0/24", b, "b")));
                RegistrationStatus expected = stricter(a, b);
                for (int turn = 0; turn < 2; turn++) {
                    RegisteredAddress found = Snapshot.build(1, NOW, rows, List.of(), true).registration(IpAddress.parse("192.0.2.9"));
                    assertEquals(expected, found.status(), a + " + " + b);
                    java.util.Collections.reverse(rows);
                }
            }
        }
    }

    /** Live beats revoked; among live ones SUSPENDED beats PENDING beats ACTIVE. */
    private static RegistrationStatus stricter(RegistrationStatus a, RegistrationStatus b) {
        List<RegistrationStatus> rank = List.of(RegistrationStatus.SUSPENDED, RegistrationStatus.PENDING,
                RegistrationStatus.ACTIVE, RegistrationStatus.REVOKED);
        return rank.indexOf(a) <= rank.indexOf(b) ? a : b;
    }

    private static void assertOneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertFalse(c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029',
                    () -> "control character in " + Text.quote(s));
        }
        assertEquals(s.strip(), s);
    }
}
