package org.relaygate.registry;

import java.time.Instant;
import org.relaygate.policy.Cidr;

/** A postmaster block as stored; expiresAt is null for a block without end. */
public record BlockEntry(long id, Cidr cidr, String reason, String createdBy, Instant createdAt, Instant expiresAt) {
}
