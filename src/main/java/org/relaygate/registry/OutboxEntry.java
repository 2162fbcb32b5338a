package org.relaygate.registry;

import java.time.Instant;
import java.util.Map;

/**
 * One outbox row as the sender reads it. Nullable: registrationId, recipient (a POSTMASTER_ALERT
 * goes to mail.postmaster), subject and body (rendered from the kind's template when sent).
 * {@code params} are the facts frozen at the change (see sql/schema.sql), never null.
 */
public record OutboxEntry(long id, OutboxKind kind, Long registrationId, String recipient, String subject,
                          String body, Map<String, String> params, Instant createdAt, String createdBy,
                          int attempts) {

    public OutboxEntry {
        params = Map.copyOf(params);
    }
}
