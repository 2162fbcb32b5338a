package org.relaygate.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.Registration;

/**
 * {@code list --json}: every field of every registration, keys named like the schema's columns.
 * Vert.x's JSON (Jackson underneath) does the escaping, so any text written by plain SQL stays valid JSON.
 */
public final class RegistrationJson {

    private RegistrationJson() {
    }

    public static String toJson(List<Registration> registrations) {
        JsonArray array = new JsonArray();
        registrations.forEach(r -> array.add(toJson(r)));
        return array.encodePrettily();
    }

    static JsonObject toJson(Registration r) {
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

    private static String time(java.time.Instant at) {
        return at == null ? null : Formats.time(at);
    }
}
