package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.relaygate.config.HttpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web listener ({@code http.listen}): {@code /metrics} and {@code /health} (OpsRoutes), the JSON
 * API under {@code /api} (ApiRoutes), the public registration form (PublicPages) and the
 * postmaster's pages under {@code /postmaster} (PostmasterPages). Off unless configured.
 *
 * <p>Every request is bounded before a route sees it: the connection count, the request line and
 * headers, the body ({@code http.max-body-size}, 413 beyond; no file uploads), idle connections.
 * Only the HTML routes get a session and CSRF protection: the API and the ops routes carry no cookies.
 * The routes share one {@link WebShared}: one submission count and one login limiter per client.
 */
public final class WebServer {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    static final String SESSION_COOKIE = "relaygate.session";
    static final String CSRF_COOKIE = "relaygate.xsrf";
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_FORM_FIELDS = 64;
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The login pool's name and size: two PBKDF2 checks at a time (the login limiter bounds the rest). */
    static final String LOGIN_POOL = "relaygate-login";
    private static final int LOGIN_THREADS = 2;

    private final WebContext context;
    private final HttpSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
    private LocalSessionStore sessions;
    private WorkerExecutor loginHashing;
    private HttpServer server;

    public WebServer(WebContext context) {
        this.context = context;
        this.settings = context.config().http();
    }

    /** Loads the TLS key pair when configured, then binds {@code http.listen}; completes once bound. */
    public Future<WebServer> start() {
        return options().compose(options -> {
            server = context.vertx().createHttpServer(options)
                    .connectionHandler(this::accept)
                    .requestHandler(router());
            return server.listen();
        }).map(bound -> {
            log.debug("web listener bound to {}:{}{}", settings.listen().host(), bound.actualPort(),
                    settings.tlsEnabled() ? " (TLS)" : "");
            return this;
        }).onFailure(e -> {
            if (loginHashing != null) {
                loginHashing.close();
                loginHashing = null;
            }
        });
    }

    private Future<HttpServerOptions> options() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.listen().host())
                .setPort(settings.listen().port())
                .setIdleTimeout((int) Math.max(1, settings.idleTimeout().toSeconds()))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                // above the body limit, so an oversized form is the BodyHandler's 413, not a decoder's 400
                .setMaxFormAttributeSize(2 * settings.maxBodySize())
                .setMaxFormBufferedBytes(2 * settings.maxBodySize())
                .setMaxFormFields(MAX_FORM_FIELDS)
                // responses are small; compression over TLS invites BREACH-style guessing of the CSRF token
                .setCompressionSupported(false);
        if (!settings.tlsEnabled()) {
            return Future.succeededFuture(options);
        }
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(settings.tlsCert()).setKeyPath(settings.tlsKey());
        // Reading and parsing the PEM files is file I/O: off the event loop.
        return context.vertx().executeBlocking(() -> pem.getKeyManagerFactory(context.vertx()))
                .recover(e -> Future.failedFuture(new IllegalArgumentException("http.tls-cert/http.tls-key: cannot load "
                        + settings.tlsCert() + " and " + settings.tlsKey() + ": " + e.getMessage(), e)))
                .map(factory -> options.setSsl(true).setKeyCertOptions(pem));
    }

    private Router router() {
        // the password hashing's own threads: PBKDF2 never queues the snapshot loader or the spool behind it
        loginHashing = context.vertx().createSharedWorkerExecutor(LOGIN_POOL, LOGIN_THREADS);
        WebShared shared = WebShared.create(context, loginHashing); // a malformed password hash fails the start here
        Router router = Router.router(context.vertx());
        router.route().handler(ErrorPages::securityHeaders);
        router.route().handler(BodyHandler.create(false).setBodyLimit(settings.maxBodySize()));
        OpsRoutes.mount(router, context);
        ApiRoutes.mount(router, context, shared);
        sessions = LocalSessionStore.create(context.vertx(), "relaygate.sessions." + UUID.randomUUID());
        SessionHandler session = SessionHandler.create(new BoundedSessionStore(sessions, BoundedSessionStore.MAX_SESSIONS))
                .setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT)
                .setCookieSecureFlag(settings.secureCookies())
                .setSessionTimeout(settings.sessionTimeout().toMillis());
        CSRFHandler csrf = CSRFHandler.create(context.vertx(), randomSecret())
                .setCookieName(CSRF_COOKIE)
                .setCookieHttpOnly(true)
                .setCookieSecure(settings.secureCookies())
                .setHeaderName(Html.CSRF_FIELD)
                .setTimeout(settings.sessionTimeout().toMillis());
        for (String pages : new String[] {"/register*", "/postmaster*"}) {
            router.route(pages).handler(session).handler(csrf);
        }
        PublicPages.mount(router, context, shared);
        PostmasterPages.mount(router, context, shared);
        router.route("/static/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(StaticHandler.create("webroot").setDirectoryListing(false).setIncludeHidden(false));
        ErrorPages.mount(router);
        return router;
    }

    /** A new secret per start: tokens from before a restart fail (the form is simply loaded again). */
    private static String randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Counts the connection; closes it at once beyond {@code http.max-connections}. */
    private void accept(HttpConnection connection) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            connection.close();
            long now = System.nanoTime();
            long last = lastRefusalLog.get();
            if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
                log.warn("web connection from {} refused: http.max-connections={} reached (this line at most every 10 s)",
                        connection.remoteAddress(), settings.maxConnections());
            }
            return;
        }
        connection.closeHandler(v -> open.decrementAndGet());
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Connections open right now. */
    public int openConnections() {
        return open.get();
    }

    public Future<Void> close() {
        if (sessions != null) {
            sessions.close();
        }
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> loginHashing == null ? Future.succeededFuture() : loginHashing.close());
    }

    /** The login pool, for tests (null before start). */
    WorkerExecutor loginHashing() {
        return loginHashing;
    }
}
