package org.relaygate.registry;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** One registration with its networks, as stored. Nullable: statusReason, approvedAt, approvedBy, notes. */
public record Registration(long id, String unit, String contactEmail, String device, String reason,
                           String signedBy, LocalDate signedOn, RegistrationStatus status, String statusReason,
                           Instant createdAt, Instant updatedAt, Instant approvedAt, String approvedBy,
                           String notes, List<Cidr> addresses) {
}
