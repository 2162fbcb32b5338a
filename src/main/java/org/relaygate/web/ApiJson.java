package org.relaygate.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.Registration;

/**
 * The JSON API's values: a registration with the same keys as {@code relaygate list --json} (named
 * like the schema's columns), audit entries and blocks; times as ISO-8601 instants. Vert.x's JSON
 * does the escaping.
 */
final class ApiJson {

    private ApiJson() {
    }

    static JsonObject registration(Registration r) {
        JsonArray addresses = new JsonArray();
        r.addresses().stream().map(Cidr::toString).forEach(addresses::add);
        return new JsonObject()
                .put("id", r.id())
                .put("status", r.status() == null ? null : r.status().name())
                .put("status_reason", r.statusReason())
                .put("unit", r.unit())
                .put("contact_email", r.contactEmail())
                .put("device", r.device())
                .put("reason", r.reason())
                .put("signed_by", r.signedBy())
                .put("signed_on", r.signedOn() == null ? null : r.signedOn().toString())
                .put("notes", r.notes())
                .put("created_at", time(r.createdAt()))
                .put("updated_at", time(r.updatedAt()))
                .put("approved_at", time(r.approvedAt()))
                .put("approved_by", r.approvedBy())
                .put("addresses", addresses);
    }

    static JsonArray registrations(List<Registration> list) {
        JsonArray out = new JsonArray();
        list.forEach(r -> out.add(registration(r)));
        return out;
    }

    static JsonObject audit(AuditEntry e) {
        return new JsonObject()
                .put("id", e.id())
                .put("at", time(e.at()))
                .put("actor", e.actor())
                .put("source", e.source())
                .put("table", e.tableName())
                .put("row_id", e.rowId())
                .put("operation", e.operation())
                .put("old", e.oldValue())
                .put("new", e.newValue());
    }

    static JsonObject block(BlockEntry b) {
        return new JsonObject()
                .put("id", b.id())
                .put("cidr", b.cidr().toString())
                .put("reason", b.reason())
                .put("created_by", b.createdBy())
                .put("created_at", time(b.createdAt()))
                .put("until", time(b.expiresAt()));
    }

    static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
