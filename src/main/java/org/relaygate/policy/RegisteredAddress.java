package org.relaygate.policy;

/**
 * One network of one registration, as the snapshot sees it. {@code statusReason} is why it was
 * suspended or revoked (may be empty); {@code limits} are the registration's own rate limits. Many
 * networks of one registration share the same reason string and the same limits object.
 */
public record RegisteredAddress(long registrationId, Cidr cidr, RegistrationStatus status, String statusReason,
                                RegistrationLimits limits) {

    public RegisteredAddress {
        limits = limits == null ? RegistrationLimits.DEFAULTS : limits;
    }

    /** With the service-wide default limits. */
    public RegisteredAddress(long registrationId, Cidr cidr, RegistrationStatus status, String statusReason) {
        this(registrationId, cidr, status, statusReason, RegistrationLimits.DEFAULTS);
    }
}
