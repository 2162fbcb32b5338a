package org.relaygate.registry;

import java.time.Instant;
import org.relaygate.policy.Cidr;

/** An institution network or a dynamic pool. */
public record NetworkEntry(long id, NetworkKind kind, Cidr cidr, String description, String createdBy, Instant createdAt) {
}
