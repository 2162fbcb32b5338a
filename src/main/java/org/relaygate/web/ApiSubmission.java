package org.relaygate.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.web.RegistrationIntake.Invalid;
import org.relaygate.web.RegistrationIntake.Limited;
import org.relaygate.web.RegistrationIntake.Outcome;
import org.relaygate.web.RegistrationIntake.Stored;

/**
 * {@code POST /api/registrations}: the public registration form's twin for scripts, no auth. The
 * JSON object's fields are the form's inputs (unit, contact, addresses, device, reason, signed_by,
 * signed_on, attest); {@code addresses} may also be an array, {@code attest} also {@code true}. From
 * there it is the form: the same {@link RegistrationIntake} (checks, messages, actor, and one hourly
 * count per client shared with {@code POST /register}), answered as 201 {@code {"id", "status"}},
 * 422 {@code {"errors": {input: message}}}, 429 or 503 {@code {"error"}}.
 */
final class ApiSubmission {

    /** The inputs that are plain text in JSON (addresses and attest have their own shapes). */
    private static final List<String> TEXT_INPUTS = List.of("unit", "contact", "device", "reason", "signed_by", "signed_on");

    private final WebShared shared;
    private final RegistrationIntake intake;

    ApiSubmission(WebShared shared) {
        this.shared = shared;
        this.intake = shared.registrations();
    }

    void submit(RoutingContext ctx) {
        String client = shared.client(ctx);
        if (intake.exhausted(client)) {
            tooMany(ctx, intake.perHour());
            return;
        }
        JsonObject body = ApiRoutes.body(ctx, false);
        if (body == null) {
            return;
        }
        Map<String, String> shapeErrors = new LinkedHashMap<>();
        RegistrationForm form = form(body, shapeErrors);
        if (!shapeErrors.isEmpty()) {
            refused(ctx, shapeErrors);
            return;
        }
        intake.submit(form, client).onComplete(done -> {
            Outcome outcome = done.succeeded() ? done.result() : new RegistrationIntake.Unavailable();
            if (outcome instanceof Stored stored) {
                ApiRoutes.json(ctx, 201, new JsonObject().put("id", stored.id()).put("status", "PENDING"));
            } else if (outcome instanceof Invalid invalid) {
                refused(ctx, invalid.errors());
            } else if (outcome instanceof Limited limited) {
                tooMany(ctx, limited.perHour());
            } else {
                ApiRoutes.json(ctx, 503, ApiJson.error(RegistrationIntake.UNAVAILABLE));
            }
        });
    }

    /**
     * The form from a JSON object, as a browser would have sent it: addresses as one text (an array's
     * entries one per line), attest "yes" for {@code true} or "yes". A field of the wrong JSON type
     * (an object for unit, a number in addresses) goes into {@code shapeErrors}.
     */
    static RegistrationForm form(JsonObject body, Map<String, String> shapeErrors) {
        Map<String, String> inputs = new HashMap<>();
        for (String input : TEXT_INPUTS) {
            Object v = body.getValue(input);
            if (v instanceof String s) {
                inputs.put(input, s);
            } else if (v != null) {
                shapeErrors.put(input, input + " must be a JSON string");
            }
        }
        Object addresses = body.getValue("addresses");
        if (addresses instanceof String s) {
            inputs.put("addresses", s);
        } else if (addresses instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
            List<String> entries = new ArrayList<>();
            array.forEach(e -> entries.add((String) e));
            inputs.put("addresses", String.join("\n", entries));
        } else if (addresses != null) {
            shapeErrors.put("addresses", "addresses must be a JSON string or an array of strings");
        }
        Object attest = body.getValue("attest");
        if (Boolean.TRUE.equals(attest) || "yes".equals(attest)) {
            inputs.put("attest", "yes");
        }
        return RegistrationForm.parse(inputs::get);
    }

    private static void tooMany(RoutingContext ctx, int perHour) {
        ctx.response().putHeader("Retry-After", String.valueOf(SubmissionLimiter.WINDOW.toSeconds()));
        ApiRoutes.json(ctx, 429, ApiJson.error("too many registrations from your address: at most " + perHour + " per hour"));
    }

    private static void refused(RoutingContext ctx, Map<String, String> errors) {
        ApiRoutes.json(ctx, 422, new JsonObject().put("errors", new JsonObject(new LinkedHashMap<String, Object>(errors))));
    }
}
