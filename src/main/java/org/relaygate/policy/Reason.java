package org.relaygate.policy;

/** Why a decision was made; {@link #key()} is what logs and metrics show. */
public enum Reason {
    REGISTERED("registered"),
    BLOCKED("blocked"),
    PENDING("pending"),
    SUSPENDED("suspended"),
    REVOKED("revoked"),
    NOT_REGISTERED("not-registered"),
    BAD_CLIENT_ADDRESS("bad-client-address"),
    NOT_RCPT_STATE("not-rcpt-state"),
    /** Over a rate limit (or being auto-suspended): DEFER. */
    RATE_LIMITED("rate-limited"),
    /** END-OF-MESSAGE of an ACTIVE registration, counted and within its limits: DUNNO. */
    END_OF_MESSAGE("end-of-message");

    private final String key;

    Reason(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
