package org.relaygate.web;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registration forms accepted per client address per hour ({@code http.submissions-per-hour}; 0 =
 * no limit). Each address gets a window of one hour from its first counted submission. Memory is
 * bounded: at most {@link #MAX_TRACKED} addresses, the least recently seen forgotten first (an
 * address forgotten that way starts again with a fresh window).
 */
final class SubmissionLimiter {

    static final int MAX_TRACKED = 10_000;
    static final Duration WINDOW = Duration.ofHours(1);

    private final int perHour;
    private final Clock clock;
    private final int maxTracked;
    private final Map<String, Window> windows;

    /** Submissions counted so far in the window that started at {@code startMillis}. */
    private record Window(long startMillis, int count) {
    }

    SubmissionLimiter(int perHour, Clock clock) {
        this(perHour, clock, MAX_TRACKED);
    }

    SubmissionLimiter(int perHour, Clock clock, int maxTracked) {
        this.perHour = perHour;
        this.clock = clock;
        this.maxTracked = maxTracked;
        // access order: get and put move an address to the end, so the eldest is the least recently seen
        this.windows = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > SubmissionLimiter.this.maxTracked;
            }
        };
    }

    /** Whether {@code client} has used up its submissions for now (nothing is counted). */
    synchronized boolean exhausted(String client) {
        return perHour > 0 && current(client).count() >= perHour;
    }

    /** Counts one submission for {@code client}; false (and nothing counted) when it has none left. */
    synchronized boolean tryAcquire(String client) {
        if (perHour <= 0) {
            return true;
        }
        Window w = current(client);
        if (w.count() >= perHour) {
            return false;
        }
        windows.put(client, new Window(w.startMillis(), w.count() + 1));
        return true;
    }

    /** Addresses tracked right now (for tests and the bound). */
    synchronized int tracked() {
        return windows.size();
    }

    /** The client's window, a fresh one when it has none or the old one ended. */
    private Window current(String client) {
        long now = clock.millis();
        Window w = windows.get(client);
        if (w == null || now - w.startMillis() >= WINDOW.toMillis()) {
            return new Window(now, 0);
        }
        return w;
    }
}
