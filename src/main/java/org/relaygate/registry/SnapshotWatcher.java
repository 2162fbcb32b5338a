package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.SnapshotSource;

/**
 * Keeps the current snapshot: loads it at start, then polls the registry revision and rebuilds
 * when it changed, swapping the new snapshot in atomically. A failed load keeps the last good one.
 *
 * <p>API STUB: being implemented.
 */
public final class SnapshotWatcher implements SnapshotSource {

    public SnapshotWatcher(Vertx vertx, Registry registry, Duration pollInterval) {
    }

    /** Loads the first snapshot (fails when the registry cannot be read) and starts polling. */
    public Future<Snapshot> start() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Snapshot current() {
        throw new UnsupportedOperationException("not yet");
    }

    public void stop() {
    }
}
