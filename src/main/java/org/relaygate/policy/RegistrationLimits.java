package org.relaygate.policy;

/**
 * A registration's own limits as stored (the nullable registrations.max_* columns: null means the
 * service-wide default, 0 no limit) and a stamp that changes whenever its registry row changes
 * (updated_at). The snapshot holds ONE of these per registration, shared by all its networks.
 *
 * <p>The stamp lets the rate limiter start afresh when the postmaster acts on a registration
 * (approves it again after a suspension, changes its limits): counts from before never judge it.
 */
public record RegistrationLimits(Integer messagesPerHour, Integer recipientsPerMessage, Integer recipientsPerHour,
                                 long stamp) {

    /** The service-wide defaults throughout. */
    public static final RegistrationLimits DEFAULTS = new RegistrationLimits(null, null, null, 0);

    public RegistrationLimits {
        requireNotNegative(messagesPerHour);
        requireNotNegative(recipientsPerMessage);
        requireNotNegative(recipientsPerHour);
    }

    /** The limits in force: each own value, else the default. */
    public Limits effective(Limits defaults) {
        return new Limits(messagesPerHour != null ? messagesPerHour : defaults.messagesPerHour(),
                recipientsPerMessage != null ? recipientsPerMessage : defaults.recipientsPerMessage(),
                recipientsPerHour != null ? recipientsPerHour : defaults.recipientsPerHour());
    }

    /** True when every limit is the default. */
    public boolean allDefault() {
        return messagesPerHour == null && recipientsPerMessage == null && recipientsPerHour == null;
    }

    private static void requireNotNegative(Integer v) {
        if (v != null && v < 0) {
            throw new IllegalArgumentException("a limit cannot be negative (0 means no limit): " + v);
        }
    }
}
