package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registry;
import org.relaygate.registry.RegistryException;
import org.relaygate.registry.SearchQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api}, for scripts and tests: the postmaster's operations behind HTTP
 * Basic auth (user = the actor's name, password = the postmaster password, the same login limiter
 * as the pages, recently verified credentials cached), and the registration form's twin without auth
 * (ApiSubmission). No cookies, so no CSRF. Errors are
 * {@code {"error": "..."}}; a refused form is 422 {@code {"errors": {"field": "message"}}}.
 */
final class ApiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final String ACTOR = "relaygate.actor";
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
    /** How many registrations {@code GET /api/registrations} returns unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 500;
    /** The response header of {@code GET /api/registrations} with how many matched in all. */
    static final String TOTAL_HEADER = "X-Total-Count";

    private final WebContext context;
    private final WebShared shared;
    private final PostmasterAuth auth;

    private ApiRoutes(WebContext context, WebShared shared) {
        this.context = context;
        this.shared = shared;
        this.auth = shared.auth();
    }

    static void mount(Router router, WebContext context, WebShared shared) {
        ApiRoutes api = new ApiRoutes(context, shared);
        router.route("/api/*").handler(ApiRoutes::scriptsOnly);
        // before the auth handler: the public form's twin needs none
        router.post("/api/registrations").handler(new ApiSubmission(shared)::submit);
        router.route("/api/*").handler(api::authenticate);
        router.get("/api/registrations").handler(api::list);
        router.get("/api/registrations/:id").handler(api::show);
        router.post("/api/registrations/:id/:action").handler(api::action);
        router.get("/api/search").handler(api::search);
        router.get("/api/blocks").handler(api::blocks);
        router.post("/api/blocks").handler(api::block);
        // no catch-all: the router's own 404 and 405 (and 400, 413) are JSON under /api (ErrorPages)
        router.delete("/api/blocks").handler(api::unblock);
    }

    /**
     * Refuses a change that a browser could have been made to send from another site. A browser
     * that once answered the 401 prompt sends the Basic credentials with every later request to
     * this host, also with a form or a no-cors fetch on someone else's page; such requests carry
     * an Origin header, or a body type a form can send. Scripts send neither.
     */
    private static void scriptsOnly(RoutingContext ctx) {
        var request = ctx.request();
        int status = browserRefusal(request.method(), request.getHeader("Origin"), request.getHeader("Content-Type"));
        if (status == 403) {
            json(ctx, 403, ApiJson.error("the API is for scripts: a change sent by a browser (with an Origin header) is refused"));
        } else if (status == 415) {
            json(ctx, 415, ApiJson.error("send the body as Content-Type: application/json"));
        } else {
            ctx.next();
        }
    }

    /** 0 when the request may go on; 403 for a change with an Origin header; 415 for a change with a non-JSON body type. */
    static int browserRefusal(HttpMethod method, String origin, String contentType) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return 0;
        }
        if (origin != null) {
            return 403;
        }
        if (contentType != null) {
            int semicolon = contentType.indexOf(';');
            String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
            if (!type.equalsIgnoreCase("application/json")) {
                return 415;
            }
        }
        return 0;
    }

    private void authenticate(RoutingContext ctx) {
        BasicCredentials credentials = BasicCredentials.parse(ctx.request().getHeader("Authorization"));
        Actor actor = credentials == null ? null : PostmasterAuth.actor(credentials.user());
        if (actor == null) {
            unauthorized(ctx, "HTTP Basic auth required: your name as the user, the postmaster password");
            return;
        }
        String client = shared.client(ctx);
        auth.check(client, actor.name(), credentials.password()).onComplete(done -> {
            if (done.failed()) {
                internalError(ctx, done.cause());
                return;
            }
            switch (done.result()) {
                case OK -> {
                    ctx.put(ACTOR, actor);
                    ctx.next();
                }
                case WRONG -> {
                    LOG.warn("api login failed actor={} client={}", actor.name(), client);
                    unauthorized(ctx, "wrong password");
                }
                case LIMITED -> {
                    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, auth.retryAfter(client).toSeconds())));
                    json(ctx, 429, ApiJson.error("too many failed logins from your address: try again later"));
                }
                case DISABLED -> unauthorized(ctx, "postmaster login is off: no http.postmaster-password-hash is configured");
            }
        });
    }

    /**
     * The registrations (or those with {@code status}) by id, at most {@code limit} of them (default
     * {@link #DEFAULT_LIMIT}, at most {@link Registry#MAX_PAGE}); {@value #TOTAL_HEADER} says how many
     * there are in all, so a script sees when the array is not the whole list.
     */
    private void list(RoutingContext ctx) {
        String status = ctx.request().getParam("status");
        RegistrationStatus which;
        try {
            which = status == null || status.isBlank() ? null : RegistrationStatus.parse(status);
        } catch (IllegalArgumentException e) {
            json(ctx, 400, ApiJson.error(e.getMessage()));
            return;
        }
        int limit = limit(ctx.request().getParam("limit"));
        if (limit == 0) {
            json(ctx, 400, ApiJson.error("limit must be a whole number from 1 to " + Registry.MAX_PAGE));
            return;
        }
        reply(ctx, 200, context.registry().list(which, limit).map(list -> {
            ctx.response().putHeader(TOTAL_HEADER, Long.toString(list.total()));
            return ApiJson.registrations(list.registrations());
        }));
    }

    /** The {@code limit} query parameter: the default when absent, 0 when it is not 1..MAX_PAGE. */
    static int limit(String param) {
        if (param == null || param.isBlank()) {
            return DEFAULT_LIMIT;
        }
        String p = param.strip();
        if (!p.matches("[0-9]{1,9}")) {
            return 0;
        }
        int n = Integer.parseInt(p);
        return n >= 1 && n <= Registry.MAX_PAGE ? n : 0;
    }

    private void show(RoutingContext ctx) {
        Long id = id(ctx);
        if (id != null) {
            reply(ctx, 200, context.registry().get(id).compose(r -> context.registry().audit(id, PostmasterPages.HISTORY)
                    .map(history -> {
                        JsonArray entries = new JsonArray();
                        history.forEach(e -> entries.add(ApiJson.audit(e)));
                        return ApiJson.registration(r).put("history", entries);
                    })));
        }
    }

    private void action(RoutingContext ctx) {
        Long id = id(ctx);
        JsonObject body = id == null ? null : body(ctx, true);
        if (body == null) {
            return;
        }
        StatusAction action = StatusAction.named(ctx.pathParam("action"));
        if (action == null) {
            json(ctx, 404, ApiJson.error("no such action: " + ctx.pathParam("action") + " (approve, suspend or revoke)"));
            return;
        }
        String reason = body.getValue("reason") instanceof String s ? s : null;
        reply(ctx, 200, action.run(context.registry(), id, reason, ctx.get(ACTOR), false).map(ApiJson::registration));
    }

    private void search(RoutingContext ctx) {
        SearchQuery query;
        try {
            query = SearchQuery.parse(ctx.request().getParam("q"));
        } catch (RegistryException e) {
            json(ctx, 400, ApiJson.error(e.getMessage()));
            return;
        }
        reply(ctx, 200, context.registry().search(query, PostmasterPages.MAX_RESULTS).map(ApiJson::registrations));
    }

    private void blocks(RoutingContext ctx) {
        reply(ctx, 200, context.registry().blocks().map(list -> {
            JsonArray out = new JsonArray();
            list.forEach(b -> out.add(ApiJson.block(b)));
            return out;
        }));
    }

    private void block(RoutingContext ctx) {
        JsonObject body = body(ctx, false);
        if (body == null) {
            return;
        }
        Cidr cidr;
        Instant until;
        try {
            cidr = Cidr.parse(body.getValue("cidr") instanceof String s ? s : null);
            until = body.getValue("until") instanceof String s && !s.isBlank() ? Instant.parse(s.strip()) : null;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            json(ctx, 422, ApiJson.error(e instanceof DateTimeParseException
                    ? "until is not an ISO-8601 instant (like 2030-01-31T00:00:00Z)" : e.getMessage()));
            return;
        }
        String reason = body.getValue("reason") instanceof String s ? s : null;
        reply(ctx, 201, context.registry().block(cidr, reason, until, ctx.get(ACTOR)).map(ApiJson::block));
    }

    private void unblock(RoutingContext ctx) {
        Cidr cidr;
        try {
            cidr = Cidr.parse(ctx.request().getParam("cidr"));
        } catch (IllegalArgumentException e) {
            json(ctx, 400, ApiJson.error(e.getMessage()));
            return;
        }
        reply(ctx, 200, context.registry().unblock(cidr, ctx.get(ACTOR))
                .map(n -> new JsonObject().put("cidr", cidr.toString()).put("removed", n)));
    }

    /** The request's JSON object (empty when there is no body and {@code emptyOk}); null after answering 400. */
    static JsonObject body(RoutingContext ctx, boolean emptyOk) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            if (emptyOk) {
                return new JsonObject();
            }
            json(ctx, 400, ApiJson.error("a JSON object is required"));
            return null;
        }
        try {
            return new JsonObject(text);
        } catch (RuntimeException e) {
            json(ctx, 400, ApiJson.error("malformed JSON: a JSON object is required"));
            return null;
        }
    }

    private static Long id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!ID.matcher(id).matches()) {
            json(ctx, 404, ApiJson.error("no registration " + id));
            return null;
        }
        return Long.parseLong(id);
    }

    /**
     * Answers with the value, or with the registry's one-line refusal (404, 409, 422), or 503 when
     * the database failed, or 500.
     */
    private static void reply(RoutingContext ctx, int status, Future<?> value) {
        value.onComplete(done -> {
            if (done.succeeded()) {
                Object v = done.result();
                json(ctx, status, v);
            } else if (Refusals.unavailable(done.cause())) {
                LOG.warn("API request {} {}: the registry failed", ctx.request().method(), ctx.request().path(), done.cause());
                json(ctx, 503, ApiJson.error(Refusals.UNAVAILABLE));
            } else if (done.cause() instanceof RegistryException e) {
                json(ctx, Refusals.status(e.getMessage()), ApiJson.error(e.getMessage()));
            } else {
                internalError(ctx, done.cause());
            }
        });
    }

    private static void unauthorized(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"relaygate postmaster\", charset=\"UTF-8\"");
        json(ctx, 401, ApiJson.error(message));
    }

    static void internalError(RoutingContext ctx, Throwable cause) {
        LOG.error("API request {} {} failed", ctx.request().method(), ctx.request().path(), cause);
        json(ctx, 500, ApiJson.error("internal error"));
    }

    static void json(RoutingContext ctx, int status, Object value) {
        if (ctx.response().ended()) {
            return;
        }
        String text = value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : String.valueOf(value);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(text);
    }
}
