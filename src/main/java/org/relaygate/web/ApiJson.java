package org.relaygate.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.Registration;
import org.relaygate.registry.RegistrationJsonObject;

/**
 * The JSON API's values: a registration ({@link RegistrationJsonObject}, the mapping of
 * {@code relaygate list --json}), audit entries and blocks; times as ISO-8601 instants. Vert.x's JSON
 * does the escaping.
 */
final class ApiJson {

    private ApiJson() {
    }

    static JsonObject registration(Registration r) {
        return RegistrationJsonObject.of(r, Instant::toString);
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
