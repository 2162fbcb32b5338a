package org.relaygate.policy;

/**
 * One network of one registration, as the snapshot sees it. {@code statusReason} is why it was
 * suspended or revoked (may be empty); many networks of one registration share the same string.
 */
public record RegisteredAddress(long registrationId, Cidr cidr, RegistrationStatus status, String statusReason) {
}
