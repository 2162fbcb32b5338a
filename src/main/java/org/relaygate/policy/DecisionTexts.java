package org.relaygate.policy;

/**
 * The configurable access(5) texts of each refusal. Each starts with an RFC 3463 code so Postfix
 * uses it in its reply: 5.x.x for the refusals, 4.x.x for {@code rateLimited} (a DEFER).
 * Placeholders: {@code {client}}, {@code {registration}}, {@code {network}}, {@code {reason}},
 * {@code {until}}, {@code {register}}, {@code {postmaster}}; in {@code rateLimited} also
 * {@code {limit}} ("100 messages per hour") and {@code {retry}} ("try again after 2026-05-01 12:00:00 UTC").
 */
public record DecisionTexts(String blocked, String pending, String suspended, String revoked,
                            String notRegistered, String badClientAddress,
                            String register, String postmaster, String rateLimited) {

    public static final String DEFAULT_RATE_LIMITED =
            "4.7.1 Relay registration {registration} for {client} has reached its limit of {limit}; {retry}";

    public static final DecisionTexts DEFAULTS = new DecisionTexts(
            "5.7.1 Relay access for {client} is blocked by the postmaster: {reason}{until}",
            "5.7.1 Relay registration {registration} for {client} is pending approval by the postmaster",
            "5.7.1 Relay registration {registration} for {client} is suspended: {reason}; contact {postmaster}",
            "5.7.1 Relay registration {registration} for {client} has been revoked; contact {postmaster}",
            "5.7.1 Client {client} is not registered for relay; register at {register}",
            "5.7.1 Client address {client} is not a valid IP address",
            "the postmaster's mail relay registration form",
            "the postmaster",
            DEFAULT_RATE_LIMITED);

    /** The eight texts of issue 2, with the default rate-limited text. */
    public DecisionTexts(String blocked, String pending, String suspended, String revoked, String notRegistered,
                         String badClientAddress, String register, String postmaster) {
        this(blocked, pending, suspended, revoked, notRegistered, badClientAddress, register, postmaster,
                DEFAULT_RATE_LIMITED);
    }

    public DecisionTexts {
        // Not Map.of: it throws a bare NullPointerException on a missing text before we can name it.
        String[] names = {"blocked", "pending", "suspended", "revoked", "not-registered", "bad-client-address",
                "register", "postmaster", "rate-limited"};
        String[] values = {blocked, pending, suspended, revoked, notRegistered, badClientAddress, register, postmaster,
                rateLimited};
        for (int i = 0; i < names.length; i++) {
            requireOneLine("text." + names[i], values[i]);
        }
        for (int i = 0; i < 6; i++) { // the six refusals; register and postmaster are fragments
            if (!values[i].matches("5\\.\\d{1,3}\\.\\d{1,3} .*")) {
                throw new IllegalArgumentException("text." + names[i] + " must start with an RFC 3463 code such as 5.7.1: "
                        + Text.quote(values[i]));
            }
        }
        if (!rateLimited.matches("4\\.\\d{1,3}\\.\\d{1,3} .*")) {
            throw new IllegalArgumentException("text.rate-limited must start with an RFC 3463 code such as 4.7.1 (a temporary refusal): "
                    + Text.quote(rateLimited));
        }
    }

    private static void requireOneLine(String key, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        if (!Text.oneLine(v).equals(v)) {
            throw new IllegalArgumentException(key + " must be one line");
        }
        if (v.length() > 400) {
            throw new IllegalArgumentException(key + " is longer than 400 characters");
        }
    }
}
