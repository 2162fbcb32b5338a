package org.relaygate.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Group commit for one directory's fsync: the renames and unlinks of many threads made durable by
 * one {@code fsync(dir)} instead of one each (Postfix's and databases' group commit; ext4 takes a
 * journal commit, milliseconds, for every directory fsync).
 *
 * <p>{@link #sync()} returns only after an fsync that <em>started after the call</em> has
 * succeeded, so whatever the caller changed in the directory before calling is durable. Callers
 * that arrive while an fsync is in progress join the next batch; the first of them to get the turn
 * runs its fsync for all (leader/follower, no thread of its own). A failed fsync fails exactly the
 * callers of its batch; the next batch tries again.
 */
final class DirectorySync {

    /** The fsync itself; a parameter so that tests can count, hold and fail it. */
    @FunctionalInterface
    interface Forcer {
        void force(Path dir) throws IOException;
    }

    /** The callers waiting for one fsync; {@code done} and {@code error} are guarded by the monitor. */
    private static final class Batch {
        boolean done;
        IOException error;
    }

    private final Path dir;
    private final Forcer forcer;
    private Batch open = new Batch();
    private boolean syncing;
    private long forces;

    DirectorySync(Path dir, Forcer forcer) {
        this.dir = dir;
        this.forcer = forcer;
    }

    DirectorySync(Path dir) {
        this(dir, SpoolFiles::forceDirectory);
    }

    /** Blocks until an fsync of the directory begun after this call has completed; its failure is ours. */
    void sync() throws IOException {
        Batch mine;
        boolean leader = false;
        boolean interrupted = false;
        synchronized (this) {
            mine = open;
            while (syncing && !mine.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the caller must still learn whether its change is durable
                }
            }
            if (!mine.done) {
                // Our batch's turn and nobody has taken it: we lead. Later callers join a new batch,
                // because this fsync may start before their changes.
                syncing = true;
                open = new Batch();
                leader = true;
            }
        }
        if (leader) {
            lead(mine);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.error != null) {
            throw new IOException("fsync of " + dir + " failed: " + mine.error.getMessage(), mine.error);
        }
    }

    private void lead(Batch batch) {
        IOException error = null;
        try {
            forcer.force(dir);
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException e) {
            error = new IOException(e.toString(), e);
        }
        synchronized (this) {
            batch.error = error;
            batch.done = true;
            forces++;
            syncing = false;
            notifyAll();
        }
    }

    /** Directory fsyncs done so far (tests, and the ratio of callers to fsyncs). */
    synchronized long forces() {
        return forces;
    }
}
