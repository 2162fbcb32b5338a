package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.TestClock;

class LoginLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final LoginLimiter limiter = new LoginLimiter(3, Duration.ofMinutes(15), 2, clock);

    @Test
    void theLimitApplesPerClientAndWearsOffAsTheWindowSlides() {
        limiter.failed("192.0.2.1");
        clock.advance(Duration.ofMinutes(5));
        limiter.failed("192.0.2.1");
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.1"));
        limiter.failed("192.0.2.1");
        assertEquals(Duration.ofMinutes(10), limiter.retryAfter("192.0.2.1"), "until the first failure is 15 minutes old");
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.2"), "another address is not affected");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.1"));
        limiter.failed("192.0.2.1");
        assertEquals(Duration.ofMinutes(5), limiter.retryAfter("192.0.2.1"), "the second failure leaves next");
    }

    @Test
    void expiredClientsAreForgotten() {
        limiter.failed("192.0.2.1");
        clock.advance(Duration.ofMinutes(16));
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.1"));
        assertEquals(0, limiter.trackedClients());
    }

    @Test
    void theTableIsBoundedAndFullMeansNewcomersWait() {
        limiter.failed("192.0.2.1");
        limiter.failed("192.0.2.2");
        limiter.failed("192.0.2.3"); // not tracked: the table is full
        assertEquals(2, limiter.trackedClients());
        assertEquals(Duration.ofMinutes(15), limiter.retryAfter("192.0.2.3"));
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.1"), "a tracked client below the limit may go on");
        clock.advance(Duration.ofMinutes(15));
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.3"), "room again once the others expired");
        limiter.failed("192.0.2.3");
        assertTrue(limiter.trackedClients() <= 2);
    }
}
