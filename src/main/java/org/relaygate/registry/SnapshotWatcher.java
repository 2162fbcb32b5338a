package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current snapshot: loads it at start, then polls the registry revision and rebuilds
 * when it changed, swapping the new snapshot in atomically. A failed load keeps the last good one
 * (fail safe: the engine keeps deciding from what it knew) and is retried on the next tick.
 *
 * <p>Polling one row every interval is cheap, works for changes from any process (CLI, plain SQL
 * over the H2 auto-server) and needs no notification channel out of the database.
 */
public final class SnapshotWatcher implements SnapshotSource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWatcher.class);

    private final Vertx vertx;
    private final Registry registry;
    private final long pollMillis;
    private final AtomicBoolean loading = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Snapshot current = Snapshot.empty();
    private volatile long timerId = -1;
    private volatile boolean stopped;

    public SnapshotWatcher(Vertx vertx, Registry registry, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        this.vertx = vertx;
        this.registry = registry;
        this.pollMillis = Math.max(1, pollInterval.toMillis());
    }

    /** Loads the first snapshot (fails when the registry cannot be read) and starts polling. */
    public Future<Snapshot> start() {
        if (!loading.compareAndSet(false, true) || timerId >= 0) {
            return Future.failedFuture(new IllegalStateException("snapshot watcher already started"));
        }
        long started = System.nanoTime();
        return registry.loadSnapshot()
                .onComplete(ar -> loading.set(false))
                .map(snapshot -> {
                    swap(snapshot, started);
                    if (!stopped) {
                        timerId = vertx.setPeriodic(pollMillis, id -> poll());
                    }
                    return snapshot;
                });
    }

    /** The snapshot to decide from: a plain volatile read, never I/O. Before start(): one that knows nobody. */
    @Override
    public Snapshot current() {
        return current;
    }

    public void stop() {
        stopped = true;
        long id = timerId;
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    /** One tick: reload only when the revision moved; a tick finding a load in flight does nothing. */
    private void poll() {
        if (stopped || !loading.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        registry.revision()
                .compose(revision -> revision == current.revision()
                        ? Future.<Snapshot>succeededFuture(null) : registry.loadSnapshot())
                .onComplete(ar -> {
                    try {
                        if (ar.succeeded()) {
                            recovered();
                            if (ar.result() != null && !stopped) {
                                swap(ar.result(), started);
                            }
                        } else {
                            failed(ar.cause());
                        }
                    } finally {
                        loading.set(false);
                    }
                });
    }

    private void swap(Snapshot snapshot, long startedNanos) {
        current = snapshot;
        LOG.info("registry snapshot revision {} in use: {} live, {} revoked, {} blocks, loaded in {} ms",
                snapshot.revision(), snapshot.liveEntries(), snapshot.revokedEntries(), snapshot.blockEntries(),
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    private void failed(Throwable cause) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("cannot read the registry, keeping snapshot revision {}: {}", current.revision(), cause.getMessage());
        }
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("registry readable again");
        }
    }
}
