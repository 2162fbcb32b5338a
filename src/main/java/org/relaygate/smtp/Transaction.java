package org.relaygate.smtp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One MAIL transaction of a {@link SmtpSession}: sender, accepted recipients, and the message's id. */
final class Transaction {
    final String sender;
    final long declaredSize;
    /** The policy request's {@code instance} and the Received: header's id. */
    final String instance;
    final List<String> recipients = new ArrayList<>();
    /** RCPTs refused for the recipient limit, which do not count as errors up to a point. */
    int overshoot;
    Instant receivedAt;

    Transaction(String sender, long declaredSize, String instance) {
        this.sender = sender;
        this.declaredSize = declaredSize;
        this.instance = instance;
    }
}
