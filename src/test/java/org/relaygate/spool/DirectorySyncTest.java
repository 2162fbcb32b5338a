package org.relaygate.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Group commit: who waits for which fsync, and who gets its failure. No real fsync, no timing. */
class DirectorySyncTest {

    /** A directory fsync the test holds until released, failing when told to. */
    static final class HeldForcer implements DirectorySync.Forcer {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final List<CountDownLatch> gates = new ArrayList<>();
        final List<Boolean> fail = new ArrayList<>();

        HeldForcer(boolean... failures) {
            for (boolean f : failures) {
                gates.add(new CountDownLatch(1));
                fail.add(f);
            }
        }

        @Override
        public void force(Path dir) throws IOException {
            int n = started.getAndIncrement();
            try {
                gates.get(n).await();
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            finished.incrementAndGet();
            if (fail.get(n)) {
                throw new IOException("EIO (test)");
            }
        }

        void release(int n) {
            gates.get(n).countDown();
        }
    }

    private static Thread threadRunning(Runnable r, List<Thread> all) {
        Thread t = new Thread(r);
        t.start();
        all.add(t);
        return t;
    }

    /** Until every thread is parked in the monitor's wait(): a condition, not a sleep. */
    private static void awaitWaiting(List<Thread> threads) {
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
    }

    private static CompletableFuture<Integer> syncAsync(DirectorySync sync, HeldForcer forcer, List<Thread> threads) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        threadRunning(() -> {
            try {
                sync.sync();
                done.complete(forcer.finished.get());
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, threads);
        return done;
    }

    @Test
    void callersArrivingDuringAnFsyncShareTheNextOneAndNoneReturnsBeforeIt() throws Exception {
        HeldForcer forcer = new HeldForcer(false, false);
        DirectorySync sync = new DirectorySync(Path.of("queue"), forcer);
        List<Thread> first = new ArrayList<>();
        CompletableFuture<Integer> leader = syncAsync(sync, forcer, first);
        while (forcer.started.get() < 1) {
            Thread.onSpinWait();
        }
        // Eight more arrive while fsync #1 runs: it may have begun before their renames.
        List<Thread> later = new ArrayList<>();
        List<CompletableFuture<Integer>> followers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            followers.add(syncAsync(sync, forcer, later));
        }
        awaitWaiting(later);
        forcer.release(0);
        assertEquals(1, leader.get(), "the first caller returns after its own fsync");
        while (forcer.started.get() < 2) {
            Thread.onSpinWait();
        }
        assertTrue(followers.stream().noneMatch(CompletableFuture::isDone), "nobody returns on an fsync begun before its call");
        forcer.release(1);
        for (CompletableFuture<Integer> f : followers) {
            assertEquals(2, f.get(), "each returns after the fsync begun after its call");
        }
        assertEquals(2, sync.forces(), "nine callers, two fsyncs");
    }

    @Test
    void aFailedFsyncFailsExactlyItsBatchAndTheNextBatchSucceeds() throws Exception {
        HeldForcer forcer = new HeldForcer(false, true, false);
        DirectorySync sync = new DirectorySync(Path.of("queue"), forcer);
        List<Thread> threads = new ArrayList<>();
        CompletableFuture<Integer> before = syncAsync(sync, forcer, threads);
        while (forcer.started.get() < 1) {
            Thread.onSpinWait();
        }
        List<Thread> batchThreads = new ArrayList<>();
        List<CompletableFuture<Integer>> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(syncAsync(sync, forcer, batchThreads));
        }
        awaitWaiting(batchThreads);
        forcer.release(0);
        assertEquals(1, before.get(), "the batch before the failure is unaffected");
        forcer.release(1);
        for (CompletableFuture<Integer> f : batch) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("EIO (test)"),
                    String.valueOf(e.getCause()));
        }
        CompletableFuture<Integer> after = syncAsync(sync, forcer, threads);
        forcer.release(2);
        assertEquals(3, after.get(), "the next caller gets a fsync of its own, and its success");
        assertFalse(after.isCompletedExceptionally());
    }
}
