package org.relaygate.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.relaygate.policy.Text;
import org.relaygate.spool.QueuedMessage;
import org.relaygate.spool.RecipientState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's mail log, one INFO line per event, after Postfix's:
 * {@code 0190A1B2C3D40000: to=<a@example.net>, relay=127.0.0.1:2525, delay=0.4, attempts=1, status=sent (250 2.0.0 Ok)}.
 */
final class DeliveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    private DeliveryLog() {
    }

    static void queued(QueuedMessage m) {
        LOG.info("{}: queued from=<{}>, size={}, nrcpt={}, client={}", m.id(), Text.oneLine(m.envelope().sender()),
                m.size(), m.recipients().size(),
                m.envelope().clientAddress().isEmpty() ? "local" : Text.oneLine(m.envelope().clientAddress()));
    }

    /** One line per recipient tried, with its new state. */
    static void attempt(QueuedMessage after, Map<Integer, RecipientResult> results, Instant now) {
        String delay = String.format(java.util.Locale.ROOT, "%.1f",
                Duration.between(after.envelope().receivedAt(), now).toMillis() / 1000.0);
        for (Map.Entry<Integer, RecipientResult> e : new TreeMap<>(results).entrySet()) {
            RecipientState r = after.recipients().get(e.getKey());
            RecipientResult result = e.getValue();
            LOG.info("{}: to=<{}>, relay={}, delay={}, attempts={}, status={} ({})", after.id(), Text.oneLine(r.address()),
                    result.relay().isEmpty() ? "none" : result.relay(), delay, r.attempts(), status(r, result),
                    Text.oneLine(result.text()));
        }
    }

    private static String status(RecipientState r, RecipientResult result) {
        return switch (r.status()) {
            case DELIVERED -> "sent";
            case PENDING -> "deferred";
            case BOUNCED -> result.outcome() == Outcome.TEMP ? "expired" : "bounced";
        };
    }

    static void bounced(QueuedMessage m, String dsnId, int recipients) {
        LOG.info("{}: sender non-delivery notification {} to <{}> for {} recipient(s)", m.id(), dsnId,
                Text.oneLine(m.envelope().sender()), recipients);
    }

    static void bounceDropped(QueuedMessage m, int recipients) {
        LOG.info("{}: undeliverable bounce dropped: null sender, {} recipient(s) failed, no notification sent",
                m.id(), recipients);
    }

    static void removed(QueuedMessage m, String why) {
        LOG.info("{}: removed ({})", m.id(), why);
    }
}
