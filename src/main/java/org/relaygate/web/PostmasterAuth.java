package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.relaygate.config.HttpSettings;
import org.relaygate.policy.Text;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registry;

/**
 * The postmaster's login, for the pages and the JSON API alike: one configured password hash, the
 * name given becomes the audit actor (source "web"), and one {@link LoginLimiter} counts failures
 * per client address across both. Verifying (PBKDF2, a few hundred ms) runs on a worker thread.
 */
final class PostmasterAuth {

    /** Audit source of the postmaster's changes over the web. */
    static final String SOURCE = "web";
    static final int MAX_NAME = 100;

    enum Outcome { OK, WRONG, LIMITED, DISABLED }

    /** One per running service (keyed by its registry): the pages and the API share its limiter. */
    private static final Map<Registry, PostmasterAuth> BY_REGISTRY = Collections.synchronizedMap(new WeakHashMap<>());

    private final Vertx vertx;
    private final PasswordHash hash; // null: nobody may log in
    private final LoginLimiter limiter;

    PostmasterAuth(Vertx vertx, PasswordHash hash, LoginLimiter limiter) {
        this.vertx = vertx;
        this.hash = hash;
        this.limiter = limiter;
    }

    /**
     * The service's instance, made on first use from {@code http.postmaster-password-hash}; a
     * malformed hash fails the web listener's start with one line (IllegalArgumentException).
     */
    static PostmasterAuth of(WebContext context) {
        return BY_REGISTRY.computeIfAbsent(context.registry(),
                r -> new PostmasterAuth(context.vertx(), configuredHash(context.config().http()), LoginLimiter.standard()));
    }

    static PasswordHash configuredHash(HttpSettings http) {
        if (!http.postmasterLoginEnabled()) {
            return null;
        }
        try {
            return PasswordHash.parse(http.postmasterPasswordHash());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("http.postmaster-password-hash is malformed: " + e.getMessage());
        }
    }

    boolean enabled() {
        return hash != null;
    }

    /** How long this client must wait before trying again (zero: it may try now). */
    Duration retryAfter(String client) {
        return limiter.retryAfter(client);
    }

    /** Checks the password for a login from {@code client}; a failure counts against it. */
    Future<Outcome> check(String client, String password) {
        if (hash == null) {
            return Future.succeededFuture(Outcome.DISABLED);
        }
        if (!limiter.retryAfter(client).isZero()) {
            return Future.succeededFuture(Outcome.LIMITED);
        }
        return vertx.executeBlocking(() -> hash.matches(password), false).map(ok -> {
            if (ok) {
                return Outcome.OK;
            }
            limiter.failed(client);
            return Outcome.WRONG;
        });
    }

    /**
     * The actor for a postmaster name as given, or null when it is not usable: empty, longer than
     * {@link #MAX_NAME}, or with control characters (it goes into the audit log and on pages).
     */
    static Actor actor(String name) {
        if (name == null) {
            return null;
        }
        String n = name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || !Text.oneLine(n).equals(n)) {
            return null;
        }
        return new Actor(n, SOURCE);
    }
}
