package org.relaygate.smtp;

import java.time.Instant;
import java.util.List;

/**
 * One accepted message's envelope, as the relay received it. {@code sender} is "" for the null
 * sender {@code <>} (bounces); recipients are addresses without angle brackets; {@code protocol} is
 * SMTP, ESMTP or ESMTPS as written in the Received: header.
 */
public record Envelope(String clientAddress, String heloName, String sender, List<String> recipients,
                       Instant receivedAt, String protocol) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
