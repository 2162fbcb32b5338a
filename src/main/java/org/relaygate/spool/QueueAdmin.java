package org.relaygate.spool;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code queue} CLI commands' view of a spool directory, blocking (the CLI has no event loop).
 * Works whether or not {@code serve} runs: when it runs, changes are requested from it so that
 * only one process ever changes a queued message.
 *
 * <p>API STUB: being implemented.
 */
public final class QueueAdmin {

    /** One line of {@code queue list}. */
    public record Summary(String id, java.time.Instant receivedAt, String sender, int pendingRecipients,
                          int recipients, long size, java.time.Instant nextAttempt, String lastError) {
    }

    public QueueAdmin(Path spoolDir) {
    }

    public List<Summary> list() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Envelope, per-recipient status and the message's headers, as text for {@code queue show}. */
    public String show(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Deliver now: one message, or all when id is null; the number of messages affected. */
    public int retry(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Removes a message without delivering or bouncing it. */
    public void delete(String id) {
        throw new UnsupportedOperationException("not yet");
    }
}
