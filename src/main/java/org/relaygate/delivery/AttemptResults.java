package org.relaygate.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.relaygate.spool.QueuedMessage;
import org.relaygate.spool.RecipientState;
import org.relaygate.spool.RecipientState.Status;

/**
 * What one delivery attempt changes: each tried recipient becomes delivered (2xx), bounced (5xx,
 * or a temporary failure once the message has expired) or stays pending with its next attempt
 * from the {@link RetrySchedule}. Pure: the caller persists the new state and bounces the failures.
 */
final class AttemptResults {

    /** One recipient's final failure, for the DSN and the log. */
    record Failure(String recipient, String text, String relay, boolean expired) {
    }

    /** The message after the attempt, and the recipients that failed for good in it. */
    record Applied(QueuedMessage message, List<Failure> failures) {
    }

    private AttemptResults() {
    }

    /** Applies {@code results} (by recipient index) to {@code m}, at {@code now}. */
    static Applied apply(QueuedMessage m, Map<Integer, RecipientResult> results, Instant now, RetrySchedule schedule) {
        List<RecipientState> states = new ArrayList<>(m.recipients());
        List<Failure> failures = new ArrayList<>();
        Instant received = m.envelope().receivedAt();
        for (Map.Entry<Integer, RecipientResult> e : new TreeMap<>(results).entrySet()) {
            RecipientState before = states.get(e.getKey());
            RecipientResult r = e.getValue();
            int attempts = before.attempts() + 1;
            RecipientState after = switch (r.outcome()) {
                case OK -> new RecipientState(before.address(), Status.DELIVERED, attempts, null, r.relay(), r.text());
                case PERM -> new RecipientState(before.address(), Status.BOUNCED, attempts, null, r.relay(), r.text());
                case TEMP -> schedule.expired(received, now)
                        ? new RecipientState(before.address(), Status.BOUNCED, attempts, null, r.relay(), r.text())
                        : new RecipientState(before.address(), Status.PENDING, attempts,
                                schedule.next(received, attempts, now), r.relay(), r.text());
            };
            if (after.status() == Status.BOUNCED) {
                failures.add(new Failure(before.address(), r.text(), r.relay(), r.outcome() == Outcome.TEMP));
            }
            states.set(e.getKey(), after);
        }
        return new Applied(m.withRecipients(states), failures);
    }
}
