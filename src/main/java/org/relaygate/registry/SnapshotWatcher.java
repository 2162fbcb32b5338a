package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current snapshot: loads it at start, then polls the registry revision and, when it
 * moved, applies the change (a delta read from the audit log, or a full reload when the change is
 * large), swapping the new snapshot in atomically. A failed load keeps the last good one (fail
 * safe: the engine keeps deciding from what it knew) and is retried on the next tick.
 *
 * <p>Polling one row every interval is cheap, works for changes from any process (CLI, plain SQL
 * over the H2 auto-server) and needs no notification channel out of the database. A delta costs
 * milliseconds where a full reload of a million networks costs seconds of the one CPU the event
 * loop also needs; the full reload every {@code fullReloadInterval} is a safety net for what the
 * triggers never see (TRUNCATE, DDL).
 */
public final class SnapshotWatcher implements SnapshotSource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWatcher.class);
    static final int DEFAULT_MAX_CHANGES = 20_000;
    static final Duration DEFAULT_FULL_RELOAD = Duration.ofHours(1);

    private final Vertx vertx;
    private final Registry registry;
    private final long pollMillis;
    private final int maxChanges;
    private final long fullReloadNanos;
    private final AtomicBoolean loading = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Snapshot current = Snapshot.empty();
    private volatile LoadedSnapshot loaded;
    private volatile long lastFullNanos;
    private volatile long timerId = -1;
    private volatile boolean stopped;
    // For /metrics and /health: when the registry last answered (revision read or snapshot loaded),
    // since when it has not, and how many reads failed.
    private volatile Instant lastRead;
    private volatile Instant failingSince;
    private final AtomicLong readFailures = new AtomicLong();

    public SnapshotWatcher(Vertx vertx, Registry registry, Duration pollInterval) {
        this(vertx, registry, pollInterval, DEFAULT_MAX_CHANGES, DEFAULT_FULL_RELOAD);
    }

    /**
     * @param maxChanges audit rows in one change, and registrations changed since the last full
     *                   load, above which the snapshot is reloaded in full
     * @param fullReloadInterval how often to reload in full even without a change
     */
    public SnapshotWatcher(Vertx vertx, Registry registry, Duration pollInterval, int maxChanges,
                           Duration fullReloadInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        if (maxChanges < 0 || fullReloadInterval.isNegative() || fullReloadInterval.isZero()) {
            throw new IllegalArgumentException("need maxChanges >= 0 and a positive full reload interval");
        }
        this.vertx = vertx;
        this.registry = registry;
        this.pollMillis = Math.max(1, pollInterval.toMillis());
        this.maxChanges = maxChanges;
        this.fullReloadNanos = fullReloadInterval.toNanos();
    }

    /** Loads the first snapshot (fails when the registry cannot be read) and starts polling. */
    public Future<Snapshot> start() {
        if (!loading.compareAndSet(false, true) || timerId >= 0) {
            return Future.failedFuture(new IllegalStateException("snapshot watcher already started"));
        }
        long started = System.nanoTime();
        return registry.loadSnapshotInFull(0)
                .onComplete(ar -> loading.set(false))
                .map(first -> {
                    lastRead = Instant.now();
                    swap(first, started);
                    if (!stopped) {
                        timerId = vertx.setPeriodic(pollMillis, id -> poll());
                    }
                    return first.snapshot();
                });
    }

    /** The snapshot to decide from: a plain volatile read, never I/O. Before start(): one that knows nobody. */
    @Override
    public Snapshot current() {
        return current;
    }

    /** When the registry last answered a read (the revision checked or a snapshot loaded); null before the first load. */
    public Instant lastRead() {
        return lastRead;
    }

    /** Since when every read of the registry has failed; null while reads succeed. */
    public Instant failingSince() {
        return failingSince;
    }

    /** Reads of the registry that failed since the start (each keeps the last good snapshot). */
    public long readFailures() {
        return readFailures.get();
    }

    /** Whether the snapshot in use came from a full load (false: a delta over one), for tests. */
    boolean currentIsFull() {
        LoadedSnapshot l = loaded;
        return l == null || l.full();
    }

    public void stop() {
        stopped = true;
        long id = timerId;
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    /** One tick: load only when the revision moved or a full reload is due; a tick finding a load in flight does nothing. */
    private void poll() {
        if (stopped || !loading.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        LoadedSnapshot last = loaded;
        boolean fullDue = started - lastFullNanos >= fullReloadNanos;
        registry.revision()
                .compose(revision -> fullDue ? registry.loadSnapshotInFull(last.auditMark())
                        : revision == last.snapshot().revision() ? Future.<LoadedSnapshot>succeededFuture(null)
                        : registry.updateSnapshot(last, maxChanges))
                .onComplete(ar -> {
                    try {
                        if (ar.succeeded()) {
                            lastRead = Instant.now();
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

    private void swap(LoadedSnapshot next, long startedNanos) {
        Snapshot snapshot = next.snapshot();
        loaded = next;
        current = snapshot;
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        if (next.full()) {
            lastFullNanos = startedNanos;
            LOG.info("registry snapshot revision {} in use: {} live, {} revoked, {} blocks, loaded in full in {} ms",
                    snapshot.revision(), snapshot.liveEntries(), snapshot.revokedEntries(), snapshot.blockEntries(), millis);
        } else {
            LOG.info("registry snapshot revision {} in use: changes applied in {} ms ({} registrations changed since the full load)",
                    snapshot.revision(), millis, snapshot.changedRegistrations());
        }
    }

    private void failed(Throwable cause) {
        readFailures.incrementAndGet();
        if (failing.compareAndSet(false, true)) {
            failingSince = Instant.now();
            LOG.warn("cannot read the registry, keeping snapshot revision {}: {}", current.revision(), cause.getMessage());
        }
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            failingSince = null;
            LOG.info("registry readable again");
        }
    }
}
