package org.relaygate.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Text;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.NetworkEntry;
import org.relaygate.registry.Registration;
import org.relaygate.registry.SqlResult;
import org.relaygate.spool.QueueAdmin;

/** How the CLI shows registry values to people: pure text, no I/O, unit-tested. */
public final class Formats {

    private Formats() {
    }

    /** ISO-8601 in UTC to the second ({@code 2026-12-01T12:00:00Z}); empty for null. */
    public static String time(Instant at) {
        return at == null ? "" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Addresses for people: single hosts without /32 or /128, comma separated. */
    public static String addresses(List<Cidr> addresses) {
        return addresses.stream().map(Cidr::toDisplayString).collect(Collectors.joining(", "));
    }

    public static Table registrations(List<Registration> registrations) {
        Table t = new Table("ID", "STATUS", "UNIT", "CONTACT", "ADDRESSES", "SIGNED");
        for (Registration r : registrations) {
            t.row(r.id(), r.status(), r.unit(), r.contactEmail(), addresses(r.addresses()), signed(r));
        }
        return t;
    }

    /** Every block; one that has run out is kept by the registry until removed, and marked here. */
    public static Table blocks(List<BlockEntry> blocks, Instant now) {
        Table t = new Table("ID", "NETWORK", "STATE", "EXPIRES", "REASON", "BY", "CREATED");
        for (BlockEntry b : blocks) {
            boolean expired = b.expiresAt() != null && !now.isBefore(b.expiresAt());
            t.row(b.id(), b.cidr().toDisplayString(), expired ? "EXPIRED" : "active",
                    b.expiresAt() == null ? "never" : time(b.expiresAt()), b.reason(), b.createdBy(), time(b.createdAt()));
        }
        return t;
    }

    /** {@code queue list}: one row per message; RCPTS is still-to-deliver/all, the null sender shows as {@code <>}. */
    public static Table queue(List<QueueAdmin.Summary> messages) {
        Table t = new Table("ID", "RECEIVED", "SENDER", "RCPTS", "SIZE", "NEXT ATTEMPT", "LAST ERROR");
        for (QueueAdmin.Summary m : messages) {
            t.row(m.id(), time(m.receivedAt()), m.sender().isEmpty() ? "<>" : m.sender(),
                    m.pendingRecipients() + "/" + m.recipients(), m.size(), time(m.nextAttempt()), m.lastError());
        }
        return t;
    }

    public static Table networks(List<NetworkEntry> networks) {
        Table t = new Table("ID", "NETWORK", "DESCRIPTION", "BY", "CREATED");
        for (NetworkEntry n : networks) {
            t.row(n.id(), n.cidr(), n.description(), n.createdBy(), time(n.createdAt()));
        }
        return t;
    }

    public static Table audit(List<AuditEntry> entries) {
        Table t = new Table("ID", "AT", "ACTOR", "SOURCE", "OP", "TABLE", "ROW", "OLD", "NEW");
        for (AuditEntry a : entries) {
            t.row(a.id(), time(a.at()), a.actor(), a.source(), a.operation(), a.tableName(), a.rowId(),
                    a.oldValue(), a.newValue());
        }
        return t;
    }

    /** A query as a table (NULL shown as such), anything else as its update count. */
    public static String sql(SqlResult result) {
        if (result.columns() == null || result.columns().isEmpty()) {
            return result.updateCount() + " rows affected\n";
        }
        Table t = new Table(result.columns());
        for (List<String> row : result.rows()) {
            t.row(row.stream().map(v -> v == null ? "NULL" : v).toList());
        }
        return t.render() + "(" + t.size() + (t.size() == 1 ? " row)" : " rows)") + "\n";
    }

    /** Every field of one registration, its addresses, then its latest audit entries. */
    public static String show(Registration r, List<AuditEntry> audit) {
        return show(r, audit, "");
    }

    /** As {@link #show(Registration, List)}, with more sections (blocks, limits) before the audit. */
    public static String show(Registration r, List<AuditEntry> audit, String beforeAudit) {
        StringBuilder sb = new StringBuilder();
        field(sb, "id", r.id());
        field(sb, "status", r.status());
        field(sb, "status reason", r.statusReason());
        field(sb, "unit", r.unit());
        field(sb, "contact", r.contactEmail());
        field(sb, "device", r.device());
        field(sb, "reason", r.reason());
        field(sb, "signed by", r.signedBy());
        field(sb, "signed on", r.signedOn());
        field(sb, "notes", r.notes());
        field(sb, "created at", time(r.createdAt()));
        field(sb, "updated at", time(r.updatedAt()));
        field(sb, "approved at", time(r.approvedAt()));
        field(sb, "approved by", r.approvedBy());
        sb.append("addresses:\n");
        r.addresses().forEach(a -> sb.append("  ").append(a.toDisplayString()).append('\n'));
        sb.append(beforeAudit);
        sb.append("audit (latest ").append(audit.size()).append(", newest first):\n");
        if (!audit.isEmpty()) {
            audit(audit).render().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        String v = value == null ? "" : Text.oneLine(String.valueOf(value));
        sb.append(name).append(':').append(" ".repeat(Math.max(1, 15 - name.length()))).append(v).append('\n');
    }

    private static String signed(Registration r) {
        return r.signedOn() == null ? r.signedBy() : r.signedBy() + " " + r.signedOn();
    }

    /** The blocks on a registration's addresses, each with when it ends (or that it has). */
    public static String blocksOn(List<BlockEntry> blocks, Instant now) {
        if (blocks.isEmpty()) {
            return "blocks:         none\n";
        }
        StringBuilder sb = new StringBuilder("blocks:\n");
        for (BlockEntry b : blocks) {
            String when = b.expiresAt() == null ? "until unblocked"
                    : (b.expiresAt().isAfter(now) ? "until " : "ended ") + time(b.expiresAt());
            sb.append("  ").append(b.cidr().toDisplayString()).append(" (block ").append(b.id()).append(") ")
                    .append(when).append(": ").append(Text.oneLine(b.reason())).append('\n');
        }
        return sb.toString();
    }
}
