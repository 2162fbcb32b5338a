package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.policy.Action;
import org.relaygate.policy.Decision;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.RateLimiter;
import org.relaygate.policy.Reason;
import org.relaygate.policy.TestClock;

/** The relay feeds the rate limiter as Postfix does: at RCPT, and END-OF-MESSAGE after the data, before storing. */
class SmtpSessionLimitsTest {

    private static final String MESSAGE = "Subject: s\r\n\r\nbody\r\n.\r\n";

    private final TestClock clock = new TestClock(Transcript.NOW);
    private final List<Long> suspended = new ArrayList<>();

    /** Registration 1 (192.0.2.1): 2 messages per hour, auto-suspended past 2 x 2 attempts. */
    private final RelayPolicy limited = policy(new Limits(2, 0, 0), true);

    private RelayPolicy policy(Limits limits, boolean autoSuspend) {
        RateLimiter limiter = new RateLimiter(new LimitSettings(limits, Duration.ofHours(1), autoSuspend, 2), clock,
                (id, why) -> suspended.add(id));
        PolicyEngine engine = new PolicyEngine(DecisionTexts.DEFAULTS, clock, limiter);
        return request -> engine.decide(request, TestSettings.SNAPSHOT);
    }

    private static Transcript session(RelayPolicy policy) {
        return session(policy, "ID");
    }

    private static Transcript session(RelayPolicy policy, String ids) {
        return new Transcript(TestSettings.smtp(), policy, "192.0.2.1", false, ids).send("EHLO printer");
    }

    @Test
    void asksAtEndOfMessageWithTheRecipientCountAndSize() {
        Transcript t = session(limited).transactionTo("b@example.net", "c@example.net").data(MESSAGE).expect("250 2.0.0 Ok: queued as Q1");
        PolicyRequest eom = t.asked.get(2);
        assertEquals("END-OF-MESSAGE", eom.protocolState());
        assertEquals("2", eom.get("recipient_count"));
        assertEquals("", eom.get("recipient"), "no recipient attribute for several recipients, as Postfix");
        assertEquals("ID1", eom.get("instance"), "the same instance as the message's RCPTs");
        assertEquals("20", eom.get("size"), "the message as received, without our Received: header");
        assertEquals("192.0.2.1", eom.clientAddress());
        t.transactionTo("d@example.net").data(MESSAGE).expect("250 2.0.0 Ok: queued as Q2");
        assertEquals("d@example.net", t.asked.get(4).get("recipient"));
        assertEquals("1", t.asked.get(4).get("recipient_count"));
    }

    @Test
    void overTheLimitAtRcptIs450WithTheLimitAndTheReset() {
        RelayPolicy policy = policy(new Limits(1, 0, 0), false);
        Transcript t = session(policy).transactionTo("b@example.net").data(MESSAGE).expect("250 2.0.0");
        t.send("MAIL FROM:<device@example.org>").send("RCPT TO:<c@example.net>")
                .expectExactly("450 4.7.1 <c@example.net>: Recipient address rejected: Relay registration #1 for 192.0.2.1"
                        + " has reached its limit of 1 message per hour; try again after 2024-01-02 11:00:00 UTC\r\n");
        t.send("DATA").expect("503 5.5.1 Error: no valid recipients");
        clock.advance(Duration.ofHours(1));
        t.send("RSET").transactionTo("c@example.net").data(MESSAGE).expect("250 2.0.0 Ok: queued as Q2");
    }

    @Test
    void aRegistrationSuspendedWhileItsMessageIsInFlightGets450AfterTheData() {
        Transcript inFlight = session(limited).transactionTo("b@example.net");
        Transcript flood = session(limited, "FLOOD");
        for (int i = 0; i < 5; i++) {
            flood.send("MAIL FROM:<device@example.org>").send("RCPT TO:<x" + i + "@example.net>").send("RSET");
        }
        assertEquals(List.of(1L), suspended, "the flood tripped the auto-suspension, once");
        inFlight.data(MESSAGE).expectExactly("450 4.7.1 <END-OF-MESSAGE>: End-of-data rejected: Relay registration #1 for"
                + " 192.0.2.1 has reached its limit of 2 messages per hour; it went far past that limit and is being suspended;"
                + " contact the postmaster\r\n");
        assertTrue(inFlight.stored.isEmpty(), "not accepted: the client keeps it and retries");
        inFlight.expectMode(SmtpSession.Mode.COMMAND);
        inFlight.send("MAIL FROM:<device@example.org>").expect("250 2.1.0").send("RCPT TO:<b@example.net>").expect("450 4.7.1 ");
    }

    @Test
    void recipientsOverThePerMessageLimitAreDeferredWithoutCountingAsErrors() {
        RelayPolicy policy = policy(new Limits(0, 5, 0), false);
        Transcript t = session(policy).send("MAIL FROM:<device@example.org>");
        for (int i = 0; i < 30; i++) {
            t.send("RCPT TO:<r" + i + "@example.net>").expect(i < 5 ? "250 2.1.5" : "450 4.7.1 <r" + i + "@example.net>: Recipient"
                    + " address rejected: Relay registration #1 for 192.0.2.1 has reached its limit of 5 recipients per message;"
                    + " send the other recipients in another message");
        }
        t.send("DATA").expect("354 ").data(MESSAGE).expect("250 2.0.0 Ok: queued as Q1");
        assertEquals(5, t.stored.get(0).envelope().recipients().size());
    }

    @ParameterizedTest(name = "{0} at END-OF-MESSAGE -> {2}")
    @CsvSource(delimiter = '|', value = {
        "DUNNO           | ''                   | 250 2.0.0 Ok: queued as Q1",
        "OK              | ''                   | 250 2.0.0 Ok: queued as Q1",
        "DEFER | 4.7.1 slow down      | 450 4.7.1 <END-OF-MESSAGE>: End-of-data rejected: slow down",
        "DEFER | ''                   | 450 4.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied",
        "DEFER_IF_PERMIT | 4.7.1 later  | 450 4.7.1 <END-OF-MESSAGE>: End-of-data rejected: later",
        "REJECT          | 5.7.1 go away        | 554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: go away",
    })
    void endOfDataAnswersAsPostfixDoes(Action action, String text, String reply) {
        RelayPolicy policy = request -> request.protocolState().equals("RCPT")
                ? new Decision(Action.OK, "", Reason.REGISTERED, 1, null)
                : new Decision(action, text, Reason.RATE_LIMITED, 1, null);
        Transcript t = session(policy).transactionTo("b@example.net").data(MESSAGE).expectExactly(reply + "\r\n");
        assertEquals(reply.startsWith("250") ? 1 : 0, t.stored.size());
        t.send("MAIL FROM:<device@example.org>").expect("250 2.1.0");
    }

    @Test
    void aFailingEngineAtEndOfMessageNeverStores() {
        RelayPolicy policy = request -> {
            if (request.protocolState().equals("END-OF-MESSAGE")) {
                throw new IllegalStateException("bug");
            }
            return new Decision(Action.OK, "", Reason.REGISTERED, 1, null);
        };
        Transcript t = session(policy).transactionTo("b@example.net").data(MESSAGE).expect("451 4.3.5 Server configuration problem");
        assertTrue(t.stored.isEmpty());
    }

    @Test
    void theDefaultEngineWithoutLimitsStoresAsBefore() {
        Transcript t = new Transcript(TestSettings.smtp(Map.of()), request -> new PolicyEngine(DecisionTexts.DEFAULTS, clock)
                .decide(request, TestSettings.SNAPSHOT), "192.0.2.1", false);
        for (int i = 1; i <= 5; i++) {
            t.send("EHLO x").transactionTo("b@example.net").data(MESSAGE).expect("250 2.0.0 Ok: queued as Q" + i);
        }
    }
}
