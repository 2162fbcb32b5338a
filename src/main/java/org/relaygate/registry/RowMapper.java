package org.relaygate.registry;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** Rows to records. H2 reports unquoted names in upper case and Row lookups are case-sensitive. */
final class RowMapper {

    static final String REGISTRATION_COLUMNS = "id, unit, contact_email, device, reason, signed_by, signed_on, "
            + "status, status_reason, created_at, updated_at, approved_at, approved_by, notes";
    static final String BLOCK_COLUMNS = "id, cidr, reason, created_by, created_at, expires_at";
    static final String NETWORK_COLUMNS = "id, cidr, description, created_by, created_at";
    static final String AUDIT_COLUMNS = "id, at, actor, source, table_name, row_id, operation, old_value, new_value";

    private RowMapper() {
    }

    static Registration registration(Row row, List<Cidr> addresses) {
        return new Registration(row.getLong("ID"), row.getString("UNIT"), row.getString("CONTACT_EMAIL"),
                row.getString("DEVICE"), row.getString("REASON"), row.getString("SIGNED_BY"),
                localDate(row.getValue("SIGNED_ON")), RegistrationStatus.parse(row.getString("STATUS")),
                row.getString("STATUS_REASON"), instant(row.getValue("CREATED_AT")),
                instant(row.getValue("UPDATED_AT")), instant(row.getValue("APPROVED_AT")),
                row.getString("APPROVED_BY"), row.getString("NOTES"), List.copyOf(addresses));
    }

    static BlockEntry block(Row row) {
        return new BlockEntry(row.getLong("ID"), Cidr.parse(row.getString("CIDR")), row.getString("REASON"),
                row.getString("CREATED_BY"), instant(row.getValue("CREATED_AT")), instant(row.getValue("EXPIRES_AT")));
    }

    static NetworkEntry network(NetworkKind kind, Row row) {
        return new NetworkEntry(row.getLong("ID"), kind, Cidr.parse(row.getString("CIDR")), row.getString("DESCRIPTION"),
                row.getString("CREATED_BY"), instant(row.getValue("CREATED_AT")));
    }

    static AuditEntry audit(Row row) {
        Object rowId = row.getValue("ROW_ID");
        return new AuditEntry(row.getLong("ID"), instant(row.getValue("AT")), row.getString("ACTOR"),
                row.getString("SOURCE"), row.getString("TABLE_NAME"), rowId == null ? null : rowId.toString(),
                row.getString("OPERATION"), row.getString("OLD_VALUE"), row.getString("NEW_VALUE"));
    }

    /** For binding: H2's TIMESTAMP WITH TIME ZONE takes an OffsetDateTime. */
    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof LocalDateTime l) {
            return l.atZone(ZoneId.systemDefault()).toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value.getClass().getName());
    }

    static LocalDate localDate(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDate d) {
            return d;
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof LocalDateTime l) {
            return l.toLocalDate();
        }
        throw new IllegalStateException("not a date: " + value.getClass().getName());
    }
}
