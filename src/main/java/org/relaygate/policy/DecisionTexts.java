package org.relaygate.policy;

import java.util.Map;

/**
 * The configurable access(5) texts of each refusal. Each starts with an RFC 3463 code so Postfix
 * uses it in its reply. Placeholders: {@code {client}}, {@code {registration}}, {@code {network}},
 * {@code {reason}}, {@code {until}}, {@code {register}}, {@code {postmaster}}.
 */
public record DecisionTexts(String blocked, String pending, String suspended, String revoked,
                            String notRegistered, String badClientAddress,
                            String register, String postmaster) {

    public static final DecisionTexts DEFAULTS = new DecisionTexts(
            "5.7.1 Relay access for {client} is blocked by the postmaster: {reason}{until}",
            "5.7.1 Relay registration {registration} for {client} is pending approval by the postmaster",
            "5.7.1 Relay registration {registration} for {client} is suspended: {reason}; contact {postmaster}",
            "5.7.1 Relay registration {registration} for {client} has been revoked; contact {postmaster}",
            "5.7.1 Client {client} is not registered for relay; register at {register}",
            "5.7.1 Client address {client} is not a valid IP address",
            "the postmaster's mail relay registration form",
            "the postmaster");

    public DecisionTexts {
        Map<String, String> all = Map.of("blocked", blocked, "pending", pending, "suspended", suspended,
                "revoked", revoked, "not-registered", notRegistered, "bad-client-address", badClientAddress,
                "register", register, "postmaster", postmaster);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String v = e.getValue();
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("text." + e.getKey() + " must not be empty");
            }
            if (!Text.oneLine(v).equals(v)) {
                throw new IllegalArgumentException("text." + e.getKey() + " must be one line");
            }
            if (v.length() > 400) {
                throw new IllegalArgumentException("text." + e.getKey() + " is longer than 400 characters");
            }
        }
        for (String refusal : new String[] {blocked, pending, suspended, revoked, notRegistered, badClientAddress}) {
            if (!refusal.matches("5\\.\\d{1,3}\\.\\d{1,3} .*")) {
                throw new IllegalArgumentException("refusal text must start with an RFC 3463 code such as 5.7.1: " + Text.quote(refusal));
            }
        }
    }
}
