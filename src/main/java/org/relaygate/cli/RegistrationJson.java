package org.relaygate.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.relaygate.registry.Registration;
import org.relaygate.registry.RegistrationJsonObject;

/**
 * {@code list --json}: every field of every registration ({@link RegistrationJsonObject}, the web API's
 * mapping too), times to the second, pretty-printed.
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
        return RegistrationJsonObject.of(r, Formats::time);
    }
}
