package org.relaygate.web;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The state one running web listener shares between its routes, made once by WebServer: who a
 * request is from ({@code http.trusted-proxies}), the registration intake with its one hourly count
 * per client for the public form and the JSON API, and the postmaster login (one failure count for
 * the login page and the API's Basic auth, one cache of recently verified credentials).
 */
record WebShared(ClientAddress clients, RegistrationIntake registrations, PostmasterAuth auth) {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    /**
     * Password checks run on {@code loginHashing} (WebServer's). Fails with one line
     * (IllegalArgumentException) when http.postmaster-password-hash is malformed.
     */
    static WebShared create(WebContext context, WorkerExecutor loginHashing) {
        var http = context.config().http();
        return new WebShared(new ClientAddress(http.trustedProxies()),
                new RegistrationIntake(context.registry(), http.submissionsPerHour(), Clock.systemDefaultZone()),
                PostmasterAuth.create(loginHashing, http));
    }

    /** The client's address of this request (the peer's, or the one a trusted proxy forwarded). */
    String client(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        return clients.resolve(peer == null ? null : peer.hostAddress(), ctx.request().headers().getAll(FORWARDED_FOR));
    }
}
