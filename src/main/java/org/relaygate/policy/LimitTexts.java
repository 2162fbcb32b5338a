package org.relaygate.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The phrases that fill {@code {limit}} and {@code {retry}} in {@code text.rate-limited}. */
final class LimitTexts {

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final String per;

    LimitTexts(Duration window) {
        this.per = window.equals(Duration.ofHours(1)) ? "per hour" : "per " + compact(window);
    }

    /** "100 messages per hour", or "per 10s" with a shorter window; {@code what} is plural. */
    String perWindow(int limit, String what) {
        return count(limit, what) + " " + per;
    }

    static String perMessage(int limit) {
        return count(limit, "recipients") + " per message";
    }

    private static String count(int n, String plural) {
        return n + " " + (n == 1 ? plural.substring(0, plural.length() - 1) : plural);
    }

    /** Rounded up to the second: a client retrying at the time shown must no longer be deferred. */
    static String retryAfter(Instant when) {
        Instant up = when.getNano() == 0 ? when : when.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return "try again after " + AT.format(up);
    }

    static final String NEXT_MESSAGE = "send the other recipients in another message";
    static final String SUSPENDING = "it went far past that limit and is being suspended; contact the postmaster";

    /** A duration as the config writes it: 90m, 10s, 2h, 1500ms. */
    static String compact(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
