package org.relaygate.registry;

/**
 * A change to a registration's own rate limits: each non-null value replaces that limit (0: no
 * limit); null leaves it as it is. {@code toDefaults} sets all three back to the service-wide
 * defaults (NULL in SQL) and goes with no value.
 */
public record LimitChange(Integer messagesPerHour, Integer recipientsPerMessage, Integer recipientsPerHour,
                          boolean toDefaults) {

    /** The largest limit that can be stored; far above anything meaningful. */
    public static final int MAX = 100_000_000;

    public static LimitChange defaults() {
        return new LimitChange(null, null, null, true);
    }

    /** One line naming what is wrong, or null when the change can be made. */
    String problem() {
        boolean any = messagesPerHour != null || recipientsPerMessage != null || recipientsPerHour != null;
        if (toDefaults && any) {
            return "give either new limits or the defaults, not both";
        }
        if (!toDefaults && !any) {
            return "no limit to change";
        }
        for (Integer v : new Integer[] {messagesPerHour, recipientsPerMessage, recipientsPerHour}) {
            if (v != null && (v < 0 || v > MAX)) {
                return "a limit must be between 0 (no limit) and " + MAX + ": " + v;
            }
        }
        return null;
    }
}
