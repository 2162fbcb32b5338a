package org.relaygate.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.relaygate.metrics.Health;
import org.relaygate.metrics.Metrics;

/**
 * {@code GET /metrics} (Prometheus text format 0.0.4) and {@code GET /health} (200 when ready, else
 * 503; a JSON body either way). HEAD answers the same headers without a body; other methods get 405.
 * No authentication: keep http.listen on loopback or behind a proxy that restricts these two paths.
 */
final class OpsRoutes {

    private static final String ALLOWED = "GET, HEAD";

    private OpsRoutes() {
    }

    static void mount(Router router, WebContext context) {
        router.route("/metrics").handler(ctx -> {
            if (allowed(ctx)) {
                String text = context.metrics().render(context.gauges(), Instant.now());
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, Metrics.contentType())
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(text);
            }
        });
        router.route("/health").handler(ctx -> {
            if (allowed(ctx)) {
                Health health = Health.of(context.gauges(), Instant.now());
                ctx.response().setStatusCode(health.httpStatus())
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(new JsonObject(health.body()).encode());
            }
        });
    }

    /** GET and HEAD go on (Vert.x sends no body for HEAD); anything else is answered 405 here. */
    private static boolean allowed(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return true;
        }
        ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, ALLOWED)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end("405 method not allowed: use GET or HEAD\n");
        return false;
    }
}
