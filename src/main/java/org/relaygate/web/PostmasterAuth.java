package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import org.relaygate.config.HttpSettings;
import org.relaygate.policy.Text;
import org.relaygate.registry.Actor;

/**
 * The postmaster's login, for the pages and the JSON API alike: one configured password hash, the
 * name given becomes the audit actor (source "web"), and one {@link LoginLimiter} counts failures
 * per client address across both. Verifying (PBKDF2, a few hundred ms) runs on the web listener's own
 * small login pool (WebServer), not Vert.x's shared workers, so a burst of logins cannot hold up the
 * snapshot loads and the spool there;
 * credentials it accepted are remembered for a few minutes ({@link CredentialCache}), so a script's
 * series of API calls pays for it once. One instance per running web listener (WebShared).
 */
final class PostmasterAuth {

    /** Audit source of the postmaster's changes over the web. */
    static final String SOURCE = "web";
    static final int MAX_NAME = 100;

    enum Outcome { OK, WRONG, LIMITED, DISABLED }

    private final WorkerExecutor hashing;
    private final PasswordHash hash; // null: nobody may log in
    private final LoginLimiter limiter;
    private final CredentialCache recent;

    PostmasterAuth(WorkerExecutor hashing, PasswordHash hash, LoginLimiter limiter, CredentialCache recent) {
        this.hashing = hashing;
        this.hash = hash;
        this.limiter = limiter;
        this.recent = recent;
    }

    /**
     * The web listener's instance from {@code http.postmaster-password-hash}; a malformed hash fails
     * the web listener's start with one line (IllegalArgumentException).
     */
    static PostmasterAuth create(WorkerExecutor hashing, HttpSettings http) {
        return new PostmasterAuth(hashing, configuredHash(http), LoginLimiter.standard(), CredentialCache.standard());
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
        return limiter.retryAfter(ClientAddress.limitKey(client));
    }

    /**
     * Checks {@code name}'s password for a login from {@code client}; a failure counts against the
     * client. A limited client is refused before the cache is asked, so the right password does not
     * get past the limiter either.
     */
    Future<Outcome> check(String client, String name, String password) {
        if (hash == null) {
            return Future.succeededFuture(Outcome.DISABLED);
        }
        String counted = ClientAddress.limitKey(client);
        if (!limiter.retryAfter(counted).isZero()) {
            return Future.succeededFuture(Outcome.LIMITED);
        }
        if (password != null && recent.verified(name, password)) {
            return Future.succeededFuture(Outcome.OK);
        }
        // counted before PBKDF2 runs, so that parallel requests cannot all pass the limit unseen
        if (!limiter.tryBegin(counted)) {
            return Future.succeededFuture(Outcome.LIMITED);
        }
        return hashing.executeBlocking(() -> hash.matches(password), false).map(ok -> {
            if (ok) {
                recent.remember(name, password);
                limiter.succeeded(counted);
                return Outcome.OK;
            }
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
