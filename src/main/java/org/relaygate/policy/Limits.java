package org.relaygate.policy;

/**
 * Three rate limits of one registration, as the engine applies them. The two "per hour" limits
 * count over {@code limits.window} (one hour unless configured otherwise). 0 means no limit, as
 * in Postfix's anvil limits (smtpd_client_message_rate_limit = 0).
 */
public record Limits(int messagesPerHour, int recipientsPerMessage, int recipientsPerHour) {

    public Limits {
        if (messagesPerHour < 0 || recipientsPerMessage < 0 || recipientsPerHour < 0) {
            throw new IllegalArgumentException("a limit cannot be negative (0 means no limit)");
        }
    }

    /** No limit at all. */
    public static final Limits NONE = new Limits(0, 0, 0);
}
