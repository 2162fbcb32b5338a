package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.CSRFHandler;
import java.util.regex.Pattern;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.Actor;
import org.relaygate.registry.RegistryException;
import org.relaygate.registry.SearchQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postmaster's pages under {@code /postmaster}: login and logout, the review queue, one
 * registration with its history and the approve / suspend / revoke / block forms, search, blocks.
 * WebServer puts the session and CSRF handlers in front of {@code /postmaster*}; without a session
 * these pages refuse to work (fail closed). The HTML is {@link PostmasterViews}'.
 */
final class PostmasterPages {

    private static final Logger LOG = LoggerFactory.getLogger(PostmasterPages.class);
    static final int MAX_RESULTS = 200;
    /** The most PENDING registrations the review queue shows (oldest first); search finds the others. */
    static final int QUEUE_LIMIT = 500;
    static final int HISTORY = 200;
    /** Session keys: who is logged in, and the messages shown once on the next page. */
    static final String ACTOR_KEY = "postmaster";
    private static final String NOTICE_KEY = "notice";
    private static final String ERROR_KEY = "action-error";
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
    // where the block form may send the browser back to: a path of these pages, nothing else
    private static final Pattern LOCAL_BACK = Pattern.compile("/postmaster(/[A-Za-z0-9/_-]*)?");

    private final WebContext context;
    private final WebShared shared;
    private final PostmasterAuth auth;

    private PostmasterPages(WebContext context, WebShared shared) {
        this.context = context;
        this.shared = shared;
        this.auth = shared.auth();
    }

    static void mount(Router router, WebContext context, WebShared shared) {
        PostmasterPages pages = new PostmasterPages(context, shared);
        router.route("/postmaster*").handler(pages::requireLogin);
        router.get("/postmaster/login").handler(pages::loginForm);
        router.post("/postmaster/login").handler(pages::login);
        router.post("/postmaster/logout").handler(pages::logout);
        router.get("/postmaster").handler(pages::queue);
        router.get("/postmaster/registrations/:id").handler(pages::registration);
        router.post("/postmaster/registrations/:id/:action").handler(pages::action);
        router.get("/postmaster/search").handler(pages::search);
        router.get("/postmaster/blocks").handler(pages::blocks);
        router.post("/postmaster/blocks").handler(pages::block);
    }

    /** Everything but the login page needs a logged-in session; else 303 to the login page. */
    private void requireLogin(RoutingContext ctx) {
        Session session = ctx.session();
        if (session == null) {
            LOG.error("postmaster pages without a session handler: refusing {}", ctx.request().path());
            ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8").end("sessions are not set up\n");
        } else if (ctx.request().path().equals("/postmaster/login") || session.get(ACTOR_KEY) != null) {
            ctx.next();
        } else {
            redirect(ctx, "/postmaster/login");
        }
    }

    private void loginForm(RoutingContext ctx) {
        html(ctx, 200, PostmasterViews.login(token(ctx), "", null));
    }

    private void login(RoutingContext ctx) {
        String name = ctx.request().getFormAttribute("name");
        Actor actor = PostmasterAuth.actor(name);
        if (actor == null) {
            html(ctx, 422, PostmasterViews.login(token(ctx), name, "Give your name (at most " + PostmasterAuth.MAX_NAME
                    + " characters, one line): it is recorded with every change you make."));
            return;
        }
        String client = shared.client(ctx);
        auth.check(client, actor.name(), ctx.request().getFormAttribute("password")).onComplete(done -> {
            if (done.failed()) {
                internalError(ctx, done.cause());
                return;
            }
            switch (done.result()) {
                case OK -> {
                    // a new session id on login: an id planted before it (session fixation) is worthless
                    ctx.session().regenerateId();
                    ctx.session().put(ACTOR_KEY, actor.name());
                    LOG.info("postmaster login actor={} client={}", actor.name(), client);
                    redirect(ctx, "/postmaster");
                }
                case WRONG -> {
                    LOG.warn("postmaster login failed actor={} client={}", actor.name(), client);
                    html(ctx, 401, PostmasterViews.login(token(ctx), name, "Wrong password."));
                }
                case LIMITED -> {
                    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, auth.retryAfter(client).toSeconds())));
                    html(ctx, 429, PostmasterViews.login(token(ctx), name, "Too many failed logins from your address: try again later."));
                }
                case DISABLED -> html(ctx, 403, PostmasterViews.login(token(ctx), name,
                        "Postmaster login is off: no http.postmaster-password-hash is configured."));
            }
        });
    }

    private void logout(RoutingContext ctx) {
        ctx.session().destroy();
        redirect(ctx, "/postmaster/login");
    }

    private void queue(RoutingContext ctx) {
        respond(ctx, context.registry().pending(QUEUE_LIMIT).map(pending -> PostmasterViews.queue(frame(ctx, null), pending)));
    }

    private void registration(RoutingContext ctx) {
        Long id = id(ctx);
        if (id != null) {
            showRegistration(ctx, id, 200, null);
        }
    }

    /** The registration page; {@code error} (a refused action) is shown in place of a flash error. */
    private void showRegistration(RoutingContext ctx, long id, int status, String error) {
        Future<String> page = context.registry().get(id).compose(r -> context.registry().audit(id, HISTORY)
                .map(history -> PostmasterViews.registration(frame(ctx, error), r, history)));
        page.onComplete(done -> {
            if (done.succeeded()) {
                html(ctx, status, done.result());
            } else {
                fail(ctx, done.cause());
            }
        });
    }

    private void action(RoutingContext ctx) {
        Long id = id(ctx);
        if (id == null) {
            return;
        }
        StatusAction action = StatusAction.named(ctx.pathParam("action"));
        if (action == null) {
            notFound(ctx, "No such action.");
            return;
        }
        String reason = ctx.request().getFormAttribute("reason");
        Actor actor = actor(ctx);
        action.run(context.registry(), id, reason, actor, true).onComplete(result -> {
            if (result.succeeded()) {
                if (action == StatusAction.APPROVE) {
                    LOG.info("registration={} approved actor={} note={}", id, actor.name(), reason == null ? "" : reason.strip());
                }
                ctx.session().put(NOTICE_KEY, "Registration " + id + " is now " + result.result().status() + ".");
                redirect(ctx, "/postmaster/registrations/" + id);
            } else if (Refusals.unavailable(result.cause())) {
                unavailable(ctx, result.cause(), true);
            } else if (result.cause() instanceof RegistryException e && Refusals.status(e.getMessage()) != 404) {
                showRegistration(ctx, id, Refusals.status(e.getMessage()), e.getMessage());
            } else {
                fail(ctx, result.cause());
            }
        });
    }

    private void search(RoutingContext ctx) {
        String q = ctx.request().getParam("q");
        if (q == null || q.isBlank()) {
            html(ctx, 200, PostmasterViews.search(frame(ctx, null), "", null, null));
            return;
        }
        SearchQuery query;
        try {
            query = SearchQuery.parse(q);
        } catch (RegistryException e) {
            html(ctx, 400, PostmasterViews.search(frame(ctx, null), q, null, e.getMessage()));
            return;
        }
        respond(ctx, context.registry().search(query, MAX_RESULTS)
                .map(results -> PostmasterViews.search(frame(ctx, null), q, results, null)));
    }

    private void blocks(RoutingContext ctx) {
        respond(ctx, context.registry().blocks().map(list -> PostmasterViews.blocks(frame(ctx, null), list)));
    }

    /** The block form (on the blocks page and on each registration page): 303 back where it was posted from. */
    private void block(RoutingContext ctx) {
        String back = ctx.request().getFormAttribute("back");
        String target = back != null && LOCAL_BACK.matcher(back).matches() ? back : "/postmaster/blocks";
        String cidrText = ctx.request().getFormAttribute("cidr");
        Future<String> done;
        try {
            Cidr cidr = Cidr.parse(cidrText);
            done = context.registry().block(cidr, ctx.request().getFormAttribute("reason"), null, actor(ctx))
                    .map(b -> "Blocked " + b.cidr().toDisplayString() + ".");
        } catch (IllegalArgumentException e) {
            done = Future.failedFuture(new RegistryException(e.getMessage()));
        }
        done.onComplete(result -> {
            if (result.succeeded()) {
                ctx.session().put(NOTICE_KEY, result.result());
            } else if (Refusals.unavailable(result.cause())) {
                unavailable(ctx, result.cause(), true);
                return;
            } else if (result.cause() instanceof RegistryException e) {
                ctx.session().put(ERROR_KEY, "Not blocked: " + e.getMessage());
            } else {
                internalError(ctx, result.cause());
                return;
            }
            redirect(ctx, target);
        });
    }

    /** The logged-in postmaster (requireLogin let the request through, so there is one). */
    private static Actor actor(RoutingContext ctx) {
        return new Actor(ctx.session().get(ACTOR_KEY), PostmasterAuth.SOURCE);
    }

    /** The frame of a page: CSRF token, who is logged in, and the flash messages (shown once). */
    private static PostmasterViews.Frame frame(RoutingContext ctx, String error) {
        Session session = ctx.session();
        String notice = session.remove(NOTICE_KEY);
        String flashError = session.remove(ERROR_KEY);
        return new PostmasterViews.Frame(token(ctx), session.get(ACTOR_KEY), notice, error != null ? error : flashError);
    }

    /** The token CSRFHandler put into the context for this request's forms. */
    private static String token(RoutingContext ctx) {
        String token = ctx.get(CSRFHandler.DEFAULT_HEADER_NAME);
        return token == null ? "" : token;
    }

    /** The :id path parameter, or null after answering 404 when it is not a number. */
    private Long id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !ID.matcher(id).matches()) {
            notFound(ctx, "No such registration.");
            return null;
        }
        return Long.parseLong(id);
    }

    private void respond(RoutingContext ctx, Future<String> page) {
        page.onComplete(done -> {
            if (done.succeeded()) {
                html(ctx, 200, done.result());
            } else {
                fail(ctx, done.cause());
            }
        });
    }

    private void fail(RoutingContext ctx, Throwable cause) {
        if (Refusals.unavailable(cause)) {
            unavailable(ctx, cause, false);
        } else if (cause instanceof RegistryException e) {
            int status = Refusals.status(e.getMessage());
            html(ctx, status, PostmasterViews.problem(frame(ctx, null), status == 404 ? "Not found" : "Refused", e.getMessage()));
        } else {
            internalError(ctx, cause);
        }
    }

    /**
     * 503 for a database failure, its cause logged: after an action the sentence is the page's
     * action error, on a page that could not be read it is the page's error.
     */
    private void unavailable(RoutingContext ctx, Throwable cause, boolean action) {
        LOG.warn("postmaster page {} {}: the registry failed", ctx.request().method(), ctx.request().path(), cause);
        html(ctx, 503, action ? PostmasterViews.notDone(frame(ctx, Refusals.UNAVAILABLE))
                : PostmasterViews.problem(frame(ctx, null), "Try again", Refusals.UNAVAILABLE));
    }

    private void notFound(RoutingContext ctx, String message) {
        html(ctx, 404, PostmasterViews.problem(frame(ctx, null), "Not found", message));
    }

    private static void internalError(RoutingContext ctx, Throwable cause) {
        LOG.error("postmaster page {} failed", ctx.request().path(), cause);
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8").end("internal error\n");
        }
    }

    private static void html(RoutingContext ctx, int status, String page) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").end(page);
        }
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader("Location", location).end();
    }
}
