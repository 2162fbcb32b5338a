package org.relaygate.policy;

/** The life of a registration. REVOKED is final and releases its addresses for others. */
public enum RegistrationStatus {
    PENDING, ACTIVE, SUSPENDED, REVOKED;

    /** A live registration owns its addresses: no other registration may overlap them. */
    public boolean live() {
        return this != REVOKED;
    }

    /** Parses a status name case-insensitively, with a message that lists the valid ones. */
    public static RegistrationStatus parse(String text) {
        for (RegistrationStatus s : values()) {
            if (s.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status " + Text.quote(text) + " (expected PENDING, ACTIVE, SUSPENDED or REVOKED)");
    }
}
