package org.relaygate.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.relaygate.smtp.Envelope;

/**
 * One message in the spool: its envelope as received, the size of the stored message and where
 * each envelope recipient stands (same order as {@code envelope.recipients()}). The message bytes
 * stay on disk until a delivery attempt reads them.
 */
public record QueuedMessage(String id, Envelope envelope, long size, List<RecipientState> recipients) {

    public QueuedMessage {
        recipients = List.copyOf(recipients);
        if (recipients.size() != envelope.recipients().size()) {
            throw new IllegalArgumentException("one state per envelope recipient");
        }
    }

    /** A message just accepted: every recipient pending and due at once. */
    public static QueuedMessage fresh(String id, Envelope envelope, long size) {
        List<RecipientState> states = new ArrayList<>();
        for (String r : envelope.recipients()) {
            states.add(RecipientState.fresh(r, envelope.receivedAt()));
        }
        return new QueuedMessage(id, envelope, size, states);
    }

    /** True for a bounce (null sender): never bounced itself. */
    public boolean nullSender() {
        return envelope.sender().isEmpty();
    }

    public int pendingCount() {
        return (int) recipients.stream().filter(RecipientState::pending).count();
    }

    /** Delivered or bounced to every recipient: the message can leave the spool. */
    public boolean done() {
        return pendingCount() == 0;
    }

    /** The earliest next attempt of a pending recipient; null when done. */
    public Instant nextAttempt() {
        return recipients.stream().filter(RecipientState::pending).map(RecipientState::nextAttempt)
                .min(Instant::compareTo).orElse(null);
    }

    /** Indexes of the pending recipients due at {@code now}. */
    public List<Integer> due(Instant now) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (recipients.get(i).dueAt(now)) {
                out.add(i);
            }
        }
        return out;
    }

    /** The last result of a pending recipient that has one, for {@code queue list}; "" if none. */
    public String lastError() {
        return recipients.stream().filter(r -> r.pending() && !r.lastResult().isEmpty())
                .map(RecipientState::lastResult).findFirst().orElse("");
    }

    public QueuedMessage withRecipients(List<RecipientState> states) {
        return new QueuedMessage(id, envelope, size, states);
    }

    /** Every pending recipient due at {@code at} ({@code queue retry}, recovery). */
    public QueuedMessage dueAt(Instant at) {
        return map(r -> r.withNextAttempt(at));
    }

    private QueuedMessage map(UnaryOperator<RecipientState> f) {
        return withRecipients(recipients.stream().map(f).toList());
    }
}
