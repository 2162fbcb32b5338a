package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.TestClock;

class SubmissionLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2025-03-14T10:00:00Z"));

    @Test
    void allowsTheLimitPerHourThenRefusesUntilTheWindowEnds() {
        SubmissionLimiter limiter = new SubmissionLimiter(3, clock);
        for (int i = 0; i < 3; i++) {
            assertFalse(limiter.exhausted("192.0.2.1"));
            assertTrue(limiter.tryAcquire("192.0.2.1"), "submission " + (i + 1));
            clock.advance(Duration.ofMinutes(10));
        }
        assertTrue(limiter.exhausted("192.0.2.1"));
        assertFalse(limiter.tryAcquire("192.0.2.1"));
        assertTrue(limiter.tryAcquire("192.0.2.2"), "another address has its own count");
        clock.advance(Duration.ofMinutes(29)); // 59 minutes after the first
        assertFalse(limiter.tryAcquire("192.0.2.1"));
        clock.advance(Duration.ofMinutes(1)); // an hour after the first: a new window
        assertFalse(limiter.exhausted("192.0.2.1"));
        assertTrue(limiter.tryAcquire("192.0.2.1"));
    }

    @Test
    void refusalsAreNotCounted() {
        SubmissionLimiter limiter = new SubmissionLimiter(1, clock);
        assertTrue(limiter.tryAcquire("192.0.2.1"));
        for (int i = 0; i < 10; i++) {
            assertFalse(limiter.tryAcquire("192.0.2.1"));
        }
        clock.advance(Duration.ofHours(1));
        assertTrue(limiter.tryAcquire("192.0.2.1"));
    }

    @Test
    void zeroMeansNoLimitAndKeepsNoState() {
        SubmissionLimiter limiter = new SubmissionLimiter(0, clock);
        for (int i = 0; i < 1000; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1"));
        }
        assertFalse(limiter.exhausted("192.0.2.1"));
        assertEquals(0, limiter.tracked());
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlySeenIsForgotten() {
        SubmissionLimiter limiter = new SubmissionLimiter(1, clock, 3);
        assertTrue(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("b"));
        assertTrue(limiter.tryAcquire("c"));
        assertTrue(limiter.exhausted("a")); // seen: a is now the most recent
        assertTrue(limiter.tryAcquire("d")); // evicts b, the least recently seen
        assertEquals(3, limiter.tracked());
        assertTrue(limiter.exhausted("a"));
        assertTrue(limiter.exhausted("c"));
        assertTrue(limiter.exhausted("d"));
        assertFalse(limiter.exhausted("b"), "b was forgotten");
    }

    @Test
    void theDefaultBoundIsTenThousandAddresses() {
        SubmissionLimiter limiter = new SubmissionLimiter(5, clock);
        for (int i = 0; i < 12_000; i++) {
            limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256));
        }
        assertEquals(SubmissionLimiter.MAX_TRACKED, limiter.tracked());
    }
}
