package org.relaygate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Snapshot;

/**
 * The running server: registry, snapshot watcher and policy server wired together by constructor.
 * {@code serve} and the socket tests both start it through here.
 *
 * <p>API STUB: being implemented.
 */
public final class RelaygateService {

    /** Opens the registry, loads the first snapshot, then starts the listeners. */
    public static Future<RelaygateService> start(Vertx vertx, RelaygateConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The policy server's bound port (useful with port 0). */
    public int policyPort() {
        throw new UnsupportedOperationException("not yet");
    }

    public Snapshot snapshot() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Closes listeners, then the registry; safe to call twice. */
    public Future<Void> stop() {
        throw new UnsupportedOperationException("not yet");
    }
}
