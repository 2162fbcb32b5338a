package org.relaygate.registry;

import java.time.Instant;

/** One audit log row: operation is INSERT, UPDATE or DELETE; values are rendered as name=value text. */
public record AuditEntry(long id, Instant at, String actor, String source, String tableName, String rowId,
                         String operation, String oldValue, String newValue) {
}
