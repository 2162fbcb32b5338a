package org.relaygate.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * When to try again (Postfix's defaults: 5 minutes, doubling to 4000 s, for 5 days). After the
 * {@code n}-th failed attempt the next one is {@code initial * 2^(n-1)} later, capped at
 * {@code max}, and never later than the message's expiry, so the last attempt happens at the
 * lifetime's end; a failure at or after expiry is final. Pure.
 */
record RetrySchedule(Duration initial, Duration max, Duration lifetime) {

    RetrySchedule {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || lifetime.isNegative()) {
            throw new IllegalArgumentException("retry: need 0 < initial <= max and a lifetime >= 0");
        }
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    Duration delay(int attempts) {
        Duration d = initial;
        for (int i = 1; i < attempts && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    Instant expiry(Instant receivedAt) {
        return receivedAt.plus(lifetime);
    }

    /** True when a temporary failure at {@code now} is final: the message has been queued its lifetime. */
    boolean expired(Instant receivedAt, Instant now) {
        return !now.isBefore(expiry(receivedAt));
    }

    /** The next attempt after the {@code attempts}-th failure at {@code now}. */
    Instant next(Instant receivedAt, int attempts, Instant now) {
        Instant next = now.plus(delay(attempts));
        Instant expiry = expiry(receivedAt);
        return next.isAfter(expiry) ? expiry : next;
    }
}
