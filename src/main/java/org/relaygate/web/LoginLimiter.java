package org.relaygate.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed postmaster logins per client address (the login page and the JSON API's Basic auth share
 * one): after {@code maxFailures} failures within {@code window} a client is refused (429) until
 * the oldest of them leaves the window, even with the right password, so guessing stays bounded.
 * At most {@code maxClients} addresses are tracked; when that many are failing at once, an address
 * not yet tracked is refused too (fail closed: the table never grows without bound).
 * Thread-safe (synchronized: the calls are rare and short).
 */
final class LoginLimiter {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int MAX_CLIENTS = 10_000;

    private final int maxFailures;
    private final Duration window;
    private final int maxClients;
    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> failures = new HashMap<>();

    LoginLimiter(int maxFailures, Duration window, int maxClients, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.maxClients = maxClients;
        this.clock = clock;
    }

    static LoginLimiter standard() {
        return new LoginLimiter(MAX_FAILURES, WINDOW, MAX_CLIENTS, Clock.systemUTC());
    }

    /** How long the client must wait before its next attempt; zero when it may try now. */
    synchronized Duration retryAfter(String client) {
        Instant now = clock.instant();
        ArrayDeque<Instant> seen = live(client, now);
        if (seen == null) {
            return failures.size() >= maxClients && !prune(now) ? window : Duration.ZERO;
        }
        if (seen.size() < maxFailures) {
            return Duration.ZERO;
        }
        return Duration.between(now, seen.peekFirst().plus(window));
    }

    /**
     * Begins an attempt of the client: false when it must wait ({@link #retryAfter}); else the
     * attempt is counted as a failure right away, in the same step, and {@link #succeeded} takes it
     * back. Counting before the password is verified (which takes a while, off the event loop) is
     * what keeps parallel guesses bounded: checking first and counting after would let every
     * request sent before the first verdict through.
     */
    synchronized boolean tryBegin(String client) {
        if (!retryAfter(client).isZero()) {
            return false;
        }
        failed(client);
        return true;
    }

    /** The attempt {@link #tryBegin} counted had the right password: it is not a failure after all. */
    synchronized void succeeded(String client) {
        ArrayDeque<Instant> seen = failures.get(client);
        if (seen != null) {
            seen.pollLast();
            if (seen.isEmpty()) {
                failures.remove(client);
            }
        }
    }

    /** Counts one failed attempt of the client. */
    synchronized void failed(String client) {
        Instant now = clock.instant();
        ArrayDeque<Instant> seen = live(client, now);
        if (seen == null) {
            if (failures.size() >= maxClients && !prune(now)) {
                return; // the table is full of failing clients: retryAfter refuses newcomers anyway
            }
            seen = new ArrayDeque<>();
            failures.put(client, seen);
        }
        seen.addLast(now);
        while (seen.size() > maxFailures) {
            seen.removeFirst(); // only the newest maxFailures matter
        }
    }

    synchronized int trackedClients() {
        return failures.size();
    }

    /** The client's failures still inside the window (null when none), expired ones dropped. */
    private ArrayDeque<Instant> live(String client, Instant now) {
        ArrayDeque<Instant> seen = failures.get(client);
        if (seen == null) {
            return null;
        }
        expire(seen, now);
        if (seen.isEmpty()) {
            failures.remove(client);
            return null;
        }
        return seen;
    }

    private void expire(ArrayDeque<Instant> seen, Instant now) {
        Instant oldestLive = now.minus(window);
        while (!seen.isEmpty() && !seen.peekFirst().isAfter(oldestLive)) {
            seen.removeFirst();
        }
    }

    /** Drops every client without a live failure; whether there is room now. */
    private boolean prune(Instant now) {
        for (Iterator<ArrayDeque<Instant>> it = failures.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Instant> seen = it.next();
            expire(seen, now);
            if (seen.isEmpty()) {
                it.remove();
            }
        }
        return failures.size() < maxClients;
    }
}
