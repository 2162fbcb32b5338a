package org.relaygate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Snapshot;
import org.relaygate.policyd.PolicyServer;
import org.relaygate.registry.Registry;
import org.relaygate.registry.SnapshotWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: registry, snapshot watcher and policy server wired together by constructor.
 * {@code serve} and the socket tests both start it through here.
 */
public final class RelaygateService {

    private static final Logger log = LoggerFactory.getLogger(RelaygateService.class);

    private final Registry registry;
    private final SnapshotWatcher watcher;
    private final PolicyServer policyServer;
    private Future<Void> stopped;

    private RelaygateService(Registry registry, SnapshotWatcher watcher, PolicyServer policyServer) {
        this.registry = registry;
        this.watcher = watcher;
        this.policyServer = policyServer;
    }

    /** Opens the registry, loads the first snapshot, then starts the listeners. */
    public static Future<RelaygateService> start(Vertx vertx, RelaygateConfig config) {
        return Registry.open(vertx, config).compose(registry -> startOn(vertx, config, registry));
    }

    /** Everything after the registry is open; on failure the registry is closed again. */
    private static Future<RelaygateService> startOn(Vertx vertx, RelaygateConfig config, Registry registry) {
        SnapshotWatcher watcher = new SnapshotWatcher(vertx, registry, config.registryPollInterval());
        PolicyServer server = new PolicyServer(vertx, config, watcher);
        return watcher.start()
                .compose(first -> server.start())
                .map(started -> announce(new RelaygateService(registry, watcher, started), config))
                .recover(failure -> {
                    watcher.stop();
                    return server.close().transform(v -> registry.close())
                            .transform(v -> Future.<RelaygateService>failedFuture(failure));
                });
    }

    private static RelaygateService announce(RelaygateService service, RelaygateConfig config) {
        HostPort bound = new HostPort(config.policyListen().host(), service.policyPort());
        // Tests and scripts parse this line: keep the words "policy server listening on ".
        log.info("policy server listening on {}", bound);
        Snapshot snapshot = service.snapshot();
        if (!snapshot.institutionNetworksConfigured()) {
            log.warn("no institution network configured: any address may be registered; add them with `relaygate networks add CIDR`");
        }
        return service;
    }

    /** The policy server's bound port (useful with port 0). */
    public int policyPort() {
        return policyServer.actualPort();
    }

    public Snapshot snapshot() {
        return watcher.current();
    }

    /** Closes listeners, then the registry; safe to call twice. */
    public synchronized Future<Void> stop() {
        if (stopped == null) {
            stopped = policyServer.close()
                    .transform(closed -> {
                        watcher.stop();
                        return registry.close();
                    });
        }
        return stopped;
    }
}
