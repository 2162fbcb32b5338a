package org.relaygate.spool;

import java.time.Instant;
import java.util.Locale;

/**
 * Where one recipient of a queued message stands. {@code nextAttempt} is null unless pending;
 * {@code relay} is the last host tried ("" before any attempt); {@code lastResult} is the last reply
 * or error text: an SMTP reply ("451 4.3.0 try later") or a local one starting with its enhanced
 * status code ("4.4.1 connect to ...: Connection refused").
 */
public record RecipientState(String address, Status status, int attempts, Instant nextAttempt, String relay,
                             String lastResult) {

    /** A recipient's state; only PENDING ones are ever delivered. */
    public enum Status {
        PENDING, DELIVERED, BOUNCED;

        String token() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status parse(String token) {
            return valueOf(token.toUpperCase(Locale.ROOT));
        }
    }

    public RecipientState {
        if (status == Status.PENDING && nextAttempt == null) {
            throw new IllegalArgumentException("a pending recipient needs a next attempt time");
        }
        if (status != Status.PENDING) {
            nextAttempt = null;
        }
        relay = relay == null ? "" : relay;
        lastResult = lastResult == null ? "" : lastResult;
    }

    /** A recipient not yet tried, due at {@code due}. */
    public static RecipientState fresh(String address, Instant due) {
        return new RecipientState(address, Status.PENDING, 0, due, "", "");
    }

    public boolean pending() {
        return status == Status.PENDING;
    }

    public boolean dueAt(Instant now) {
        return pending() && !nextAttempt.isAfter(now);
    }

    public RecipientState withNextAttempt(Instant at) {
        return pending() ? new RecipientState(address, status, attempts, at, relay, lastResult) : this;
    }
}
