package org.relaygate.policy;

import java.time.Instant;

/** A postmaster block; it beats any registration. {@code expiresAt} is null for a block without end. */
public record Block(long id, Cidr cidr, String reason, Instant expiresAt) {

    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
