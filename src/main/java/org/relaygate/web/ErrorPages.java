package org.relaygate.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every response carries (security headers) and the short answers for requests the router
 * refuses: plain text, or {@code {"error": "..."}} under {@code /api} where scripts expect JSON. No
 * stack trace ever reaches a peer; a 500's cause goes to the log.
 */
final class ErrorPages {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);
    /** The statuses the router answers with a page of its own. */
    private static final int[] STATUSES = {400, 403, 404, 405, 413, 500};

    private ErrorPages() {
    }

    /**
     * The headers on every response. The pages need nothing but their own stylesheet: no scripts,
     * no inline styles, no framing, no form posting elsewhere.
     */
    static void securityHeaders(RoutingContext ctx) {
        ctx.response().headers()
                .set("X-Content-Type-Options", "nosniff")
                .set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; "
                        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "same-origin");
        if (!ctx.normalizedPath().startsWith("/static/")) {
            ctx.response().headers().set("Cache-Control", "no-store");
        }
        ctx.next();
    }

    static void mount(Router router) {
        for (int status : STATUSES) {
            router.errorHandler(status, ErrorPages::answer);
        }
    }

    private static void answer(RoutingContext ctx) {
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        if (status >= 500) {
            log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        } else if (ctx.failure() != null) {
            log.debug("{} {} refused with {}: {}", ctx.request().method(), ctx.request().path(), status,
                    ctx.failure().toString());
        }
        if (ctx.response().headWritten()) {
            // a failure after the answer began: the connection is all that is left to close
            ctx.request().connection().close();
            return;
        }
        boolean api = isApi(ctx.request().path());
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "same-origin")
                .end(api ? ApiJson.error(apiText(status, ctx.request().method().name(), ctx.request().path())).encode()
                        : status + " " + text(status) + "\n");
    }

    /** Whether the path is the JSON API's (the raw path: a 400 may come before any normalising). */
    static boolean isApi(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/"));
    }

    /** The API's error text for a status the router answered; a 404 names the request it did not know. */
    static String apiText(int status, String method, String path) {
        return switch (status) {
            case 400 -> "the request could not be read";
            case 403 -> "forbidden";
            case 404 -> "no such API endpoint: " + method + " " + path;
            case 405 -> "method not allowed: " + method + " " + path;
            case 413 -> "the request is larger than this server accepts";
            default -> "internal error";
        };
    }

    static String text(int status) {
        return switch (status) {
            case 400 -> "Bad Request: the request could not be read";
            case 403 -> "Forbidden: the form expired or was not sent from this site; reload the page and try again";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large: the request is larger than this server accepts";
            default -> "Internal Server Error: the request could not be completed";
        };
    }
}
