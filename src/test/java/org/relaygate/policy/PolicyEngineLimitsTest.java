package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine with a rate limiter: limits come after blocks and status, END-OF-MESSAGE, texts, counters. */
class PolicyEngineLimitsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final List<String> suspended = new ArrayList<>();

    private static RegisteredAddress reg(long id, String cidr, RegistrationStatus status, RegistrationLimits limits) {
        return new RegisteredAddress(id, Cidr.parse(cidr), status, "", limits);
    }

    /** Registration 1 with the defaults (2 messages, 3 per message, 10 recipients); 2 with its own 5 messages; others refused. */
    private final Snapshot snapshot = Snapshot.build(1, NOW, List.of(
            reg(1, "192.0.2.0/28", RegistrationStatus.ACTIVE, RegistrationLimits.DEFAULTS),
            reg(2, "192.0.2.16/28", RegistrationStatus.ACTIVE, new RegistrationLimits(5, null, null, 11)),
            reg(3, "192.0.2.32/28", RegistrationStatus.SUSPENDED, RegistrationLimits.DEFAULTS),
            reg(4, "192.0.2.48/28", RegistrationStatus.PENDING, RegistrationLimits.DEFAULTS),
            reg(5, "192.0.2.64/28", RegistrationStatus.ACTIVE, RegistrationLimits.DEFAULTS)),
            List.of(new Block(9, Cidr.parse("192.0.2.64/28"), "spam", null)), true);

    private final RateLimiter limiter = new RateLimiter(
            new LimitSettings(new Limits(2, 3, 10), Duration.ofHours(1), true, 3), clock,
            (id, why) -> suspended.add(id + ": " + why));
    private final PolicyEngine engine = new PolicyEngine(DecisionTexts.DEFAULTS, clock, limiter);

    private static PolicyRequest rcpt(String client, String instance) {
        return PolicyRequest.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "client_address", client,
                "instance", instance, "recipient", "x@example.org");
    }

    private static PolicyRequest endOfMessage(String client, String instance, int recipients) {
        return PolicyRequest.of("request", "smtpd_access_policy", "protocol_state", "END-OF-MESSAGE", "client_address", client,
                "instance", instance, "recipient_count", Integer.toString(recipients), "size", "1234");
    }

    @Test
    void overTheLimitIsDeferIfPermitNamingTheLimitAndTheReset() {
        assertEquals(Action.OK, engine.decide(rcpt("192.0.2.1", "a"), snapshot).action());
        assertEquals(Action.OK, engine.decide(rcpt("192.0.2.2", "b"), snapshot).action(), "one registration, two addresses: one window");
        Decision d = engine.decide(rcpt("192.0.2.3", "c"), snapshot);
        assertEquals(Action.DEFER, d.action());
        assertEquals(Reason.RATE_LIMITED, d.reason());
        assertEquals(1, d.registrationId());
        assertEquals("192.0.2.0/28", d.matched().toString());
        assertEquals("DEFER 4.7.1 Relay registration #1 for 192.0.2.3 has reached its limit of 2 messages per hour;"
                + " try again after 2026-03-01 09:00:00 UTC", d.actionLine());
        assertEquals(2, engine.decisions(Reason.REGISTERED));
        assertEquals(1, engine.decisions(Reason.RATE_LIMITED));
    }

    @Test
    void ownLimitsComeFromTheSnapshot() {
        int ok = 0;
        for (int i = 0; i < 8; i++) {
            ok += engine.decide(rcpt("192.0.2.17", "m" + i), snapshot).permits() ? 1 : 0;
        }
        assertEquals(5, ok);
        assertTrue(engine.decide(rcpt("192.0.2.17", "x"), snapshot).text().contains("limit of 5 messages per hour"));
    }

    @Test
    void recipientsPerMessageByInstance() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Action.OK, engine.decide(rcpt("192.0.2.1", "a"), snapshot).action());
        }
        Decision fourth = engine.decide(rcpt("192.0.2.1", "a"), snapshot);
        assertEquals("4.7.1 Relay registration #1 for 192.0.2.1 has reached its limit of 3 recipients per message;"
                + " send the other recipients in another message", fourth.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"192.0.2.33", "192.0.2.49", "192.0.2.65", "198.51.100.1", "garbage"})
    void blocksAndStatusComeFirstAndNeverCreateState(String client) {
        for (int i = 0; i < 20; i++) {
            Decision d = engine.decide(rcpt(client, "m" + i), snapshot);
            assertEquals(Action.REJECT, d.action(), d.toString());
        }
        Decision eom = engine.decide(endOfMessage(client, "m1", 1), snapshot);
        assertEquals(new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null), eom,
                "END-OF-MESSAGE never refuses anyone: relay control was at RCPT");
        assertEquals(0, limiter.trackedRegistrations());
        assertEquals(0, limiter.trackedMessages());
    }

    @Test
    void endOfMessageOfAnActiveRegistrationIsCountedAndAnsweredDunno() {
        engine.decide(rcpt("192.0.2.1", "a"), snapshot);
        engine.decide(rcpt("192.0.2.1", "a"), snapshot);
        Decision d = engine.decide(endOfMessage("192.0.2.1", "a", 1), snapshot);
        assertEquals(new Decision(Action.DUNNO, "", Reason.END_OF_MESSAGE, 1, Cidr.parse("192.0.2.0/28")), d);
        assertEquals(new RateLimiter.WindowCounts(1, 1, 1, 2), limiter.counts(1), "corrected, not counted again");
        assertEquals(Action.OK, engine.decide(rcpt("192.0.2.1", "b"), snapshot).action(), "a second message still fits");
    }

    @Test
    void autoSuspensionIsReportedOnceAndDefersEvenAtEndOfMessage() {
        assertEquals(Action.OK, engine.decide(rcpt("192.0.2.1", "first"), snapshot).action());
        for (int i = 0; i < 10; i++) {
            engine.decide(rcpt("192.0.2.1", "m" + i), snapshot);
        }
        assertEquals(1, suspended.size());
        assertTrue(suspended.get(0).startsWith("1: automatic: 7 messages (7 recipients) attempted within 1h, more than 3 times"),
                suspended.get(0));
        Decision eom = engine.decide(endOfMessage("192.0.2.1", "first", 1), snapshot);
        assertEquals(Action.DEFER, eom.action());
        assertTrue(eom.text().endsWith("it went far past that limit and is being suspended; contact the postmaster"), eom.text());

        // The registry suspends it: the suspended text, as for any suspension, without asking the limiter.
        Snapshot after = Snapshot.build(2, NOW, List.of(
                new RegisteredAddress(1, Cidr.parse("192.0.2.0/28"), RegistrationStatus.SUSPENDED, suspended.get(0).substring(3),
                        new RegistrationLimits(null, null, null, 100))), List.of(), true);
        Decision d = engine.decide(rcpt("192.0.2.1", "later"), after);
        assertEquals(Reason.SUSPENDED, d.reason());
        assertTrue(d.text().contains("is suspended: automatic: 7 messages"), d.text());

        // Approved again (a new stamp): counted afresh, not suspended again at once.
        Snapshot approved = Snapshot.build(3, NOW, List.of(
                new RegisteredAddress(1, Cidr.parse("192.0.2.0/28"), RegistrationStatus.ACTIVE, "",
                        new RegistrationLimits(null, null, null, 200))), List.of(), true);
        assertEquals(Action.OK, engine.decide(rcpt("192.0.2.1", "again"), approved).action());
        assertEquals(1, suspended.size());
    }

    @Test
    void theRateLimitedTextIsConfigurable() {
        DecisionTexts t = DecisionTexts.DEFAULTS;
        DecisionTexts custom = new DecisionTexts(t.blocked(), t.pending(), t.suspended(), t.revoked(), t.notRegistered(),
                t.badClientAddress(), t.register(), "postmaster@example.org",
                "4.7.0 {client} ({registration}, {network}): {limit}. {retry}. Ask {postmaster}. {unknown}");
        PolicyEngine e = new PolicyEngine(custom, clock, limiter);
        e.decide(rcpt("192.0.2.1", "a"), snapshot);
        e.decide(rcpt("192.0.2.1", "b"), snapshot);
        assertEquals("4.7.0 192.0.2.1 (#1, 192.0.2.0/28): 2 messages per hour. try again after 2026-03-01 09:00:00 UTC."
                + " Ask postmaster@example.org. {unknown}", e.decide(rcpt("192.0.2.1", "c"), snapshot).text());
    }

    @Test
    void withoutALimiterNothingIsLimited() {
        PolicyEngine plain = new PolicyEngine(DecisionTexts.DEFAULTS, clock);
        for (int i = 0; i < 100; i++) {
            assertEquals(Action.OK, plain.decide(rcpt("192.0.2.1", "m" + i), snapshot).action());
        }
        assertEquals(new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null),
                plain.decide(endOfMessage("192.0.2.1", "m1", 1), snapshot));
    }
}
