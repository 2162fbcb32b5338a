package org.relaygate.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.RegistryException;

/**
 * {@code POST /api/registrations}: the public registration form's twin for scripts, no auth. The
 * fields are the form's (unit, contact, addresses, device, reason, signed_by, signed_on, attest);
 * presence, the date and the attestation are checked here, everything else by the registry (the
 * CLI's rules), whose one refusal is put under the field it names. Bounded per client address by
 * {@code http.submissions-per-hour} (its own counter, until the public form's limiter is shared).
 */
final class ApiSubmission {

    /** Audit actor of a registration submitted over the web (the signer's name is in the row itself). */
    static final Actor ACTOR = new Actor("public-form", PostmasterAuth.SOURCE);
    private static final List<String> REQUIRED = List.of("unit", "contact", "addresses", "device", "reason", "signed_by");

    private final WebContext context;
    private final LoginLimiter submissions;
    private final int perHour;

    ApiSubmission(WebContext context) {
        this.context = context;
        this.perHour = context.config().http().submissionsPerHour();
        this.submissions = new LoginLimiter(perHour, Duration.ofHours(1), LoginLimiter.MAX_CLIENTS, Clock.systemUTC());
    }

    void submit(RoutingContext ctx) {
        String client = ctx.request().remoteAddress().host();
        if (perHour == 0 || !submissions.retryAfter(client).isZero()) {
            ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, submissions.retryAfter(client).toSeconds())));
            ApiRoutes.json(ctx, 429, ApiJson.error("too many registrations from your address: at most " + perHour + " per hour"));
            return;
        }
        JsonObject body = ApiRoutes.body(ctx, false);
        if (body == null) {
            return;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        NewRegistration registration = registration(body, errors);
        if (!errors.isEmpty()) {
            refused(ctx, errors);
            return;
        }
        submissions.failed(client); // counts one submission that reaches the registry
        context.registry().register(registration, ACTOR).onComplete(done -> {
            if (done.succeeded()) {
                ApiRoutes.json(ctx, 201, new JsonObject().put("id", done.result()).put("status", "PENDING"));
            } else if (done.cause() instanceof RegistryException e) {
                refused(ctx, Map.of(field(e.getMessage()), e.getMessage()));
            } else {
                ApiRoutes.internalError(ctx, done.cause());
            }
        });
    }

    /** The registration from the JSON fields; what is missing or malformed goes into {@code errors}. */
    static NewRegistration registration(JsonObject body, Map<String, String> errors) {
        for (String field : REQUIRED) {
            Object v = body.getValue(field);
            boolean empty = v == null || (v instanceof String s && s.isBlank()) || (v instanceof JsonArray a && a.isEmpty());
            if (empty) {
                errors.put(field, field.replace('_', ' ') + " is required");
            }
        }
        LocalDate signedOn = LocalDate.now();
        Object date = body.getValue("signed_on");
        if (date instanceof String s && !s.isBlank()) {
            try {
                signedOn = LocalDate.parse(s.strip());
            } catch (DateTimeParseException e) {
                errors.put("signed_on", "signed on is not a date (YYYY-MM-DD)");
            }
        }
        Object attest = body.getValue("attest");
        if (!(Boolean.TRUE.equals(attest) || "yes".equals(attest))) {
            errors.put("attest", "confirm that the device is well protected against viruses and other security breaches");
        }
        return new NewRegistration(text(body, "unit"), text(body, "contact"), text(body, "device"), text(body, "reason"),
                text(body, "signed_by"), signedOn, addresses(body.getValue("addresses")), null);
    }

    /** Addresses as a JSON array of strings, or one string separated by spaces, commas or new lines. */
    static List<String> addresses(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof JsonArray array) {
            array.forEach(v -> out.add(v == null ? "" : v.toString()));
        } else if (value instanceof String s) {
            for (String part : s.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    /** The form field a registry refusal is about, from its wording; addresses unless it names another. */
    static String field(String message) {
        String m = message == null ? "" : message;
        for (String[] prefix : new String[][] {{"unit", "unit"}, {"contact", "contact"}, {"device", "device"},
                {"reason", "reason"}, {"signed-by", "signed_by"}, {"signed-on", "signed_on"}, {"signed on", "signed_on"}}) {
            if (m.startsWith(prefix[0])) {
                return prefix[1];
            }
        }
        return "addresses";
    }

    private static String text(JsonObject body, String field) {
        return body.getValue(field) instanceof String s ? s : null;
    }

    private static void refused(RoutingContext ctx, Map<String, String> errors) {
        ApiRoutes.json(ctx, 422, new JsonObject().put("errors", new JsonObject(new LinkedHashMap<>(errors))));
    }
}
