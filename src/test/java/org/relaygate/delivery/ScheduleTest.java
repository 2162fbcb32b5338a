package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.QueuedMessage;
import org.relaygate.spool.RecipientState;
import org.relaygate.spool.RecipientState.Status;

/** The retry arithmetic and what an attempt's results do to a message, on a fixed clock. */
class ScheduleTest {

    private static final RetrySchedule POSTFIX = new RetrySchedule(Duration.ofMinutes(5), Duration.ofSeconds(4000), Duration.ofDays(5));
    private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");

    @ParameterizedTest(name = "after attempt {0}: {1} s")
    @CsvSource({"1, 300", "2, 600", "3, 1200", "4, 2400", "5, 4000", "6, 4000", "40, 4000", "2000000000, 4000"})
    void doublesFromFiveMinutesUpToFourThousandSeconds(int attempts, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), POSTFIX.delay(attempts));
    }

    @Test
    void theLastAttemptIsAtTheEndOfTheLifetimeAndAFailureThenIsFinal() {
        Instant nearlyExpired = T0.plus(Duration.ofDays(5)).minusSeconds(60);
        assertEquals(T0.plus(Duration.ofDays(5)), POSTFIX.next(T0, 30, nearlyExpired));
        assertFalse(POSTFIX.expired(T0, nearlyExpired));
        assertTrue(POSTFIX.expired(T0, T0.plus(Duration.ofDays(5))));
        assertEquals(T0.plusSeconds(300 + 300), POSTFIX.next(T0, 1, T0.plusSeconds(300)));
    }

    @Test
    void appliesEachRecipientsOutcome() {
        QueuedMessage m = message("ok@a.example", "later@a.example", "never@b.example", "untried@c.example");
        Instant now = T0.plusSeconds(10);
        AttemptResults.Applied a = AttemptResults.apply(m, Map.of(
                0, new RecipientResult(Outcome.OK, "250 2.0.0 Ok", "127.0.0.1:25"),
                1, new RecipientResult(Outcome.TEMP, "451 4.3.0 busy", "127.0.0.1:25"),
                2, new RecipientResult(Outcome.PERM, "550 5.1.1 no such user", "127.0.0.1:25")), now, POSTFIX);
        List<RecipientState> r = a.message().recipients();
        assertEquals(new RecipientState("ok@a.example", Status.DELIVERED, 1, null, "127.0.0.1:25", "250 2.0.0 Ok"), r.get(0));
        assertEquals(new RecipientState("later@a.example", Status.PENDING, 1, now.plusSeconds(300), "127.0.0.1:25", "451 4.3.0 busy"), r.get(1));
        assertEquals(Status.BOUNCED, r.get(2).status());
        assertEquals(m.recipients().get(3), r.get(3), "not tried: unchanged");
        assertEquals(List.of(new AttemptResults.Failure("never@b.example", "550 5.1.1 no such user", "127.0.0.1:25", false)),
                a.failures());
        assertFalse(a.message().done());
    }

    @Test
    void aTemporaryFailureAfterTheLifetimeBounces() {
        QueuedMessage m = message("slow@a.example");
        AttemptResults.Applied a = AttemptResults.apply(m, Map.of(0, new RecipientResult(Outcome.TEMP,
                "4.4.1 connect to 127.0.0.1:25: Connection refused", "")), T0.plus(Duration.ofDays(5)), POSTFIX);
        assertEquals(Status.BOUNCED, a.message().recipients().get(0).status());
        assertTrue(a.failures().get(0).expired());
        assertTrue(a.message().done());
    }

    static QueuedMessage message(String... recipients) {
        return QueuedMessage.fresh("0190A1B2C3D40000",
                new Envelope("192.0.2.7", "printer", "dev@example.org", List.of(recipients), T0, "ESMTP"), 100);
    }
}
