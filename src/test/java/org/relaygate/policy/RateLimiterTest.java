package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The limiter with a hand-moved clock: windows, per-message limits, END-OF-MESSAGE, auto-suspension. */
class RateLimiterTest {

    /** A minute boundary, so one-minute slots start exactly at T0 + n minutes. */
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final RegistrationLimits DEFAULT = RegistrationLimits.DEFAULTS;

    final TestClock clock = new TestClock(T0);
    final List<String> reports = Collections.synchronizedList(new ArrayList<>());

    RateLimiter limiter(int messages, int perMessage, int recipients) {
        return new RateLimiter(new LimitSettings(new Limits(messages, perMessage, recipients), Duration.ofHours(1), false, 5),
                clock, (id, why) -> reports.add(id + " " + why));
    }

    RateLimiter suspending(int messages, int recipients, int factor) {
        return new RateLimiter(new LimitSettings(new Limits(messages, 0, recipients), Duration.ofHours(1), true, factor),
                clock, (id, why) -> reports.add(id + " " + why));
    }

    /** n one-recipient messages of registration 1, instances prefix0..; how many were OK'ed. */
    static int send(RateLimiter l, String prefix, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += l.recipient(1, DEFAULT, prefix + i) == null ? 1 : 0;
        }
        return ok;
    }

    @Test
    void theMessageLimitIsReachedExactlyAtN() {
        RateLimiter l = limiter(3, 0, 0);
        assertEquals(3, send(l, "m", 3));
        RateLimiter.Exceeded over = l.recipient(1, DEFAULT, "m3");
        assertNotNull(over, "the 4th message is deferred");
        assertEquals("3 messages per hour", over.limit());
        assertEquals("try again after 2026-01-01 01:00:00 UTC", over.retry());
        assertNull(l.recipient(1, DEFAULT, "m0"), "another recipient of a message already counted is no new message");
        assertEquals(new RateLimiter.WindowCounts(3, 4, 4, 5), l.counts(1));
        assertNull(l.recipient(2, DEFAULT, "m0"), "each registration has its own window");
    }

    @Test
    void countsLeaveTheWindowAfterAnHourInOneMinuteSteps() {
        RateLimiter l = limiter(3, 0, 0);
        assertEquals(2, send(l, "a", 2));          // slot 0
        clock.advance(Duration.ofMinutes(30));
        assertEquals(1, send(l, "b", 1));          // slot 30
        assertEquals(0, send(l, "c", 1));
        clock.set(T0.plus(Duration.ofMinutes(59)).plusSeconds(59));
        RateLimiter.Exceeded still = l.recipient(1, DEFAULT, "d");
        assertEquals("try again after 2026-01-01 01:00:00 UTC", still.retry(), "slot 0 still counts until 01:00:00");
        clock.set(T0.plus(Duration.ofHours(1)));   // slot 60: slot 0 has left, slot 30 has not
        assertEquals(2, send(l, "e", 3));
        RateLimiter.Exceeded again = l.recipient(1, DEFAULT, "f");
        assertEquals("try again after 2026-01-01 01:30:00 UTC", again.retry(), "the next to leave is slot 30's");
        assertEquals(3, l.counts(1).messages());
        clock.set(T0.plus(Duration.ofMinutes(90)));
        assertEquals(2, l.counts(1).messages());
        clock.set(T0.plus(Duration.ofHours(2)));
        assertEquals(0, l.counts(1).messages());
        assertEquals(3, send(l, "g", 3));
    }

    @Test
    void theWindowLengthIsConfigurable() {
        RateLimiter l = new RateLimiter(new LimitSettings(new Limits(2, 0, 0), Duration.ofSeconds(10), false, 5), clock, null);
        assertEquals(2, send(l, "a", 3));
        RateLimiter.Exceeded over = l.recipient(1, DEFAULT, "x");
        assertEquals("2 messages per 10s", over.limit());
        assertEquals("try again after 2026-01-01 00:00:10 UTC", over.retry());
        clock.advance(Duration.ofMillis(9_999));
        assertEquals(0, send(l, "b", 1));
        clock.advance(Duration.ofMillis(1));
        assertEquals(2, send(l, "c", 3));
    }

    @Test
    void recipientsPerMessageAreCountedByInstance() {
        RateLimiter l = limiter(0, 2, 0);
        assertNull(l.recipient(1, DEFAULT, "a"));
        assertNull(l.recipient(1, DEFAULT, "b"));
        assertNull(l.recipient(1, DEFAULT, "a"));
        RateLimiter.Exceeded third = l.recipient(1, DEFAULT, "a");
        assertEquals("2 recipients per message", third.limit());
        assertEquals("send the other recipients in another message", third.retry());
        assertNull(l.recipient(1, DEFAULT, "b"));
        assertNotNull(l.recipient(1, DEFAULT, "b"));
        assertNull(l.recipient(2, DEFAULT, "a"), "the same instance of another registration is another message");
        for (int i = 0; i < 5; i++) {
            assertNull(l.recipient(1, DEFAULT, ""), "without an instance every request is a message of its own");
        }
        assertEquals(new RateLimiter.WindowCounts(7, 9, 7, 11), l.counts(1));
    }

    @Test
    void recipientsPerHourCountAcrossMessages() {
        RateLimiter l = limiter(0, 0, 3);
        assertNull(l.recipient(1, DEFAULT, "a"));
        assertNull(l.recipient(1, DEFAULT, "a"));
        assertNull(l.recipient(1, DEFAULT, "b"));
        RateLimiter.Exceeded over = l.recipient(1, DEFAULT, "b");
        assertEquals("3 recipients per hour", over.limit());
        assertNotNull(l.recipient(1, DEFAULT, "c"));
        assertEquals(new RateLimiter.WindowCounts(2, 3, 3, 5), l.counts(1), "message c was tried, never counted");
    }

    @Test
    void endOfMessageCorrectsDownAndNeverCountsTwice() {
        RateLimiter l = limiter(0, 0, 4);
        for (int i = 0; i < 3; i++) {
            assertNull(l.recipient(1, DEFAULT, "a"));
        }
        assertNull(l.endOfMessage(1, DEFAULT, "a", "1"), "another restriction refused two of them after our OK");
        assertEquals(new RateLimiter.WindowCounts(1, 1, 1, 3), l.counts(1));
        assertNull(l.endOfMessage(1, DEFAULT, "a", "0"), "a message is corrected once, then forgotten");
        assertEquals(1, l.counts(1).recipients());
        assertNull(l.recipient(1, DEFAULT, "b"));
        assertNull(l.endOfMessage(1, DEFAULT, "b", "5"), "more than we OK'ed: local recipients, not counted");
        assertNull(l.endOfMessage(1, DEFAULT, "b", "1"), "forgotten after its END-OF-MESSAGE");
        assertNull(l.endOfMessage(1, DEFAULT, "zzz", "0"), "unknown message");
        assertNull(l.endOfMessage(9, DEFAULT, "b", "0"), "registration without state: none is created");
        assertEquals(1, l.trackedRegistrations());
        assertEquals(new RateLimiter.WindowCounts(2, 2, 2, 4), l.counts(1));
        assertEquals(0, l.trackedMessages());
    }

    @ParameterizedTest(name = "recipient_count={0}")
    @CsvSource({"'', 2, 1", "x, 2, 1", "-1, 2, 1", "2, 2, 1", "0, 0, 0", "9999999999, 2, 1"})
    void endOfMessageOnlyTrustsAPlainCount(String count, int recipients, int messages) {
        RateLimiter l = limiter(1000, 0, 0); // a limit far away: counted, never reached
        l.recipient(1, DEFAULT, "a");
        l.recipient(1, DEFAULT, "a");
        l.endOfMessage(1, DEFAULT, "a", count);
        assertEquals(recipients, l.counts(1).recipients());
        assertEquals(messages, l.counts(1).messages());
    }

    @Test
    void aCorrectionComesOffTheSlotItWasCountedIn() {
        RateLimiter l = limiter(1000, 0, 0);
        l.recipient(1, DEFAULT, "old");
        clock.advance(Duration.ofMinutes(10));
        l.recipient(1, DEFAULT, "a");
        l.recipient(1, DEFAULT, "a");
        clock.advance(Duration.ofMinutes(5));
        l.endOfMessage(1, DEFAULT, "a", "1");
        assertEquals(2, l.counts(1).recipients());
        clock.set(T0.plus(Duration.ofMinutes(60)));
        assertEquals(1, l.counts(1).recipients(), "old left; a's remaining recipient still counts");
        clock.set(T0.plus(Duration.ofMinutes(70)));
        assertEquals(0, l.counts(1).recipients());
    }

    @Test
    void ownLimitsOverrideTheDefaultsAndZeroMeansNone() {
        RateLimiter l = limiter(2, 0, 0);
        RegistrationLimits five = new RegistrationLimits(5, null, null, 0);
        RegistrationLimits none = new RegistrationLimits(0, null, null, 0);
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            ok += l.recipient(1, five, "m" + i) == null ? 1 : 0;
        }
        assertEquals(5, ok);
        assertEquals("5 messages per hour", l.recipient(1, five, "x").limit());
        for (int i = 0; i < 1000; i++) {
            assertNull(l.recipient(2, none, "m" + i));
        }
        assertEquals(0, send(l, "d", 5), "registration 1 with the defaults again: its 5 messages are over 2");
    }

    @Test
    void autoSuspensionIsReportedOnceAndDefersEverythingMeanwhile() {
        RateLimiter l = suspending(2, 0, 2);
        assertEquals(2, send(l, "m", 4));   // 2 OK, 2 deferred: 4 attempts, not more than 2 x 2
        assertTrue(reports.isEmpty());
        RateLimiter.Exceeded fifth = l.recipient(1, DEFAULT, "m4");
        assertEquals("2 messages per hour", fifth.limit());
        assertTrue(fifth.retry().contains("being suspended"), fifth.retry());
        assertEquals(List.of("1 automatic: 5 messages (5 recipients) attempted within 1h, more than 2 times the limit of 2 messages per hour"),
                reports);
        assertEquals(0, send(l, "n", 50));
        assertEquals(1, reports.size(), "reported once");
        assertNotNull(l.endOfMessage(1, DEFAULT, "m0", "1"), "a message in flight is not accepted either");
        assertEquals(1, l.autoSuspensions());
        clock.advance(Duration.ofMinutes(30));
        assertNotNull(l.recipient(1, DEFAULT, "late"), "still suspending: the registry's answer has not come");
        clock.advance(Duration.ofMinutes(90));
        assertNull(l.recipient(1, DEFAULT, "quiet"), "a whole quiet window later (no suspension came): judged afresh");
        assertEquals(1, reports.size());
    }

    @Test
    void aNewStampStartsAfreshSoAReactivatedRegistrationIsNotSuspendedAgainAtOnce() {
        RateLimiter l = suspending(2, 0, 2);
        send(l, "m", 10);
        assertEquals(1, reports.size());
        RegistrationLimits reactivated = new RegistrationLimits(null, null, null, 42);
        assertNull(l.recipient(1, reactivated, "m0"), "old counts and the tripped state are gone");
        assertNull(l.recipient(1, reactivated, "m1"));
        assertNotNull(l.recipient(1, reactivated, "m2"));
        assertEquals(new RateLimiter.WindowCounts(2, 2, 3, 3), l.counts(1));
        assertEquals(1, reports.size());
    }

    @Test
    void recipientAttemptsTripItToo() {
        RateLimiter l = suspending(0, 3, 5);
        int ok = 0;
        for (int i = 0; i < 15; i++) {
            ok += l.recipient(1, DEFAULT, "big") == null ? 1 : 0;
        }
        assertEquals(3, ok);
        assertTrue(reports.isEmpty(), "15 attempts are not more than 5 x 3");
        l.recipient(1, DEFAULT, "big");
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).endsWith("more than 5 times the limit of 3 recipients per hour"), reports.get(0));
    }

    @Test
    void withAutoSuspendOffNothingIsReported() {
        RateLimiter l = limiter(1, 0, 0);
        assertEquals(1, send(l, "m", 1000));
        assertTrue(reports.isEmpty());
        assertEquals(0, l.autoSuspensions());
    }

    @Test
    void aThrowingListenerDoesNotChangeTheAnswer() {
        RateLimiter l = new RateLimiter(new LimitSettings(new Limits(1, 0, 0), Duration.ofHours(1), true, 2), clock,
                (id, why) -> {
                    throw new IllegalStateException("registry gone");
                });
        assertEquals(1, send(l, "m", 10));
        assertEquals(1, l.listenerFailures());
        assertEquals(1, l.autoSuspensions());
    }

    @Test
    void messagesExpireAfterThirtyMinutes() {
        RateLimiter l = limiter(0, 1, 0);
        assertNull(l.recipient(1, DEFAULT, "a"));
        assertNotNull(l.recipient(1, DEFAULT, "a"));
        clock.advance(Duration.ofMinutes(30));
        assertNull(l.recipient(1, DEFAULT, "a"), "forgotten: begins again as a new message");
        assertEquals(2, l.counts(1).messages());
    }

    @Test
    void stateStaysBoundedWithAMillionMessagesAndAMillionRegistrations() {
        Limits far = new Limits(10_000_000, 0, 10_000_000); // counted, never reached
        RateLimiter l = new RateLimiter(new LimitSettings(far, Duration.ofHours(1), true, 5), clock, null, 100, 1000);
        for (int i = 0; i < 1_000_000; i++) {
            assertNull(l.recipient(1, DEFAULT, "instance-" + i));
            if (i % 10_000 == 0) {
                assertTrue(l.trackedMessages() <= 1000, () -> "messages: " + l.trackedMessages());
            }
        }
        assertEquals(1000, l.trackedMessages());
        for (long id = 2; id < 1_000_002; id++) {
            assertNull(l.recipient(id, DEFAULT, ""));
            if (id % 10_000 == 0) {
                assertTrue(l.trackedRegistrations() <= 100, () -> "registrations: " + l.trackedRegistrations());
            }
        }
        assertTrue(l.trackedRegistrations() <= 100);
        assertTrue(l.evictedBusy() > 0);
    }

    @Test
    void idleRegistrationsAreDroppedOncePerWindow() {
        RateLimiter l = limiter(10, 0, 0);
        for (long id = 1; id <= 50; id++) {
            l.recipient(id, DEFAULT, "");
        }
        assertEquals(50, l.trackedRegistrations());
        clock.advance(Duration.ofMinutes(61));
        l.recipient(99, DEFAULT, "");
        assertEquals(1, l.trackedRegistrations(), "only the one that just sent");
        assertEquals(0, l.evictedBusy());
    }

    @Test
    void theClockSteppingBackNeverBreaksIt() {
        RateLimiter l = limiter(2, 0, 0);
        assertEquals(1, send(l, "a", 1));
        clock.set(T0.minus(Duration.ofHours(5)));
        assertEquals(1, send(l, "b", 2));
        assertEquals(2, l.counts(1).messages());
    }

    @Test
    void manyThreadsHammeringOneRegistrationGetExactTotals() throws Exception {
        RateLimiter l = new RateLimiter(new LimitSettings(new Limits(3000, 0, 100_000), Duration.ofHours(1), false, 5), clock, null);
        int threads = 8;
        int each = 1000;
        List<Thread> workers = new ArrayList<>();
        int[] ok = new int[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    String instance = "t" + me + "-" + i;
                    ok[me] += l.recipient(1, DEFAULT, instance) == null ? 1 : 0;
                    l.recipient(2, DEFAULT, instance); // another registration at the same time
                    if (i % 7 == 0) {
                        l.endOfMessage(1, DEFAULT, instance, "1");
                    }
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join(60_000);
        }
        int total = 0;
        for (int n : ok) {
            total += n;
        }
        assertEquals(3000, total);
        assertEquals(new RateLimiter.WindowCounts(3000, 3000, 8000, 8000), l.counts(1));
        assertEquals(new RateLimiter.WindowCounts(3000, 3000, 8000, 8000), l.counts(2));
    }

    @Test
    void aRegistrationWithoutAnyLimitIsNeverCounted() {
        RateLimiter l = limiter(0, 0, 0);
        for (long id = 1; id <= 1000; id++) {
            assertNull(l.recipient(id, DEFAULT, "m" + id));
        }
        assertNull(l.endOfMessage(1, DEFAULT, "m1", "1"));
        assertEquals(0, l.trackedRegistrations());
        assertEquals(0, l.trackedMessages());
        RegistrationLimits own = new RegistrationLimits(5, null, null, 0);
        assertNull(l.recipient(1, own, "a"), "its own limit: counted");
        assertEquals(1, l.counts(1).recipients());
    }
}
