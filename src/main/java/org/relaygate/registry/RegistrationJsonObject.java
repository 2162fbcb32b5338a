package org.relaygate.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;
import org.relaygate.policy.Cidr;

/**
 * A registration as a JSON object, keys named like the schema's columns: the one mapping behind
 * {@code relaygate list --json} and the web API's registrations. Each caller says how it writes a
 * time (the CLI to the second, the API as stored). Vert.x's JSON (Jackson underneath) does the
 * escaping, so any text written by plain SQL stays valid JSON.
 */
public final class RegistrationJsonObject {

    private RegistrationJsonObject() {
    }

    /** {@code time} is given only non-null instants; a null one is JSON null. */
    public static JsonObject of(Registration r, Function<Instant, String> time) {
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
                .put("created_at", orNull(r.createdAt(), time))
                .put("updated_at", orNull(r.updatedAt(), time))
                .put("approved_at", orNull(r.approvedAt(), time))
                .put("approved_by", r.approvedBy())
                .put("addresses", addresses);
    }

    private static String orNull(Instant at, Function<Instant, String> time) {
        return at == null ? null : time.apply(at);
    }
}
