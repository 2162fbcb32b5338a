package org.relaygate.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's group commit on real files, with the directory fsync held and failed by the test:
 * concurrent stores share one fsync, none returns (so none is acknowledged) before the fsync that
 * began after its rename, and a failed fsync fails only its own batch, leaving none of it queued.
 */
class SpoolGroupCommitTest {

    private static final byte[] MESSAGE = "Subject: group\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static CompletableFuture<String> storeAsync(Spool spool, List<Thread> threads) {
        CompletableFuture<String> stored = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                stored.complete(spool.store(SpoolTest.envelope("a@example.net"), MESSAGE).id());
            } catch (IOException | RuntimeException e) {
                stored.completeExceptionally(e);
            }
        });
        t.start();
        threads.add(t);
        return stored;
    }

    /** Until each thread waits for the fsync in progress (its file written and renamed by then). */
    private static void awaitWaiting(List<Thread> threads) {
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
    }

    private List<String> listing(String sub) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void concurrentStoresShareOneFsyncAndEachReturnsOnlyAfterIt() throws Exception {
        DirectorySyncTest.HeldForcer forcer = new DirectorySyncTest.HeldForcer(false, false);
        List<String> ids = new ArrayList<>();
        try (Spool spool = Spool.open(dir, forcer)) {
            List<Thread> threads = new ArrayList<>();
            CompletableFuture<String> first = storeAsync(spool, threads);
            while (forcer.started.get() < 1) {
                Thread.onSpinWait();
            }
            List<Thread> batchThreads = new ArrayList<>();
            List<CompletableFuture<String>> batch = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batch.add(storeAsync(spool, batchThreads));
            }
            awaitWaiting(batchThreads);
            assertEquals(7, listing("queue").size(), "all seven renamed into queue/ ...");
            assertTrue(batch.stream().noneMatch(CompletableFuture::isDone), "... but six not yet acknowledged");
            forcer.release(0);
            ids.add(first.get());
            while (forcer.started.get() < 2) {
                Thread.onSpinWait();
            }
            assertTrue(batch.stream().noneMatch(CompletableFuture::isDone), "not acknowledged on an fsync begun before");
            forcer.release(1);
            for (CompletableFuture<String> f : batch) {
                ids.add(f.get());
            }
            assertEquals(2, forcer.started.get(), "seven stores, two directory fsyncs");
        }
        try (Spool spool = Spool.open(dir)) {
            assertEquals(ids.stream().sorted().toList(), spool.recover().stream().map(QueuedMessage::id).toList());
        }
    }

    @Test
    void aFailedFsyncFailsOnlyItsBatchAndLeavesNoneOfItQueued() throws Exception {
        DirectorySyncTest.HeldForcer forcer = new DirectorySyncTest.HeldForcer(false, true, false);
        try (Spool spool = Spool.open(dir, forcer)) {
            List<Thread> threads = new ArrayList<>();
            CompletableFuture<String> before = storeAsync(spool, threads);
            while (forcer.started.get() < 1) {
                Thread.onSpinWait();
            }
            List<Thread> batchThreads = new ArrayList<>();
            List<CompletableFuture<String>> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(storeAsync(spool, batchThreads));
            }
            awaitWaiting(batchThreads);
            forcer.release(0);
            String kept = before.get();
            forcer.release(1);
            for (CompletableFuture<String> f : batch) {
                ExecutionException e = assertThrows(ExecutionException.class, f::get, "a 451 for each of the batch");
                assertTrue(e.getCause().getMessage().contains("EIO (test)"), e.getCause().getMessage());
            }
            assertEquals(List.of(kept + ".msg"), listing("queue"), "the failed batch is not left to be delivered");
            assertEquals(List.of(), listing("tmp"));
            CompletableFuture<String> after = storeAsync(spool, threads);
            forcer.release(2);
            String next = after.get();
            assertEquals(List.of(kept + ".msg", next + ".msg"), listing("queue"));
        }
    }

    @Test
    void finishedMessagesAreRemovedAtOnceAndMadeDurableByTheNextSync() throws Exception {
        java.util.concurrent.atomic.AtomicInteger forces = new java.util.concurrent.atomic.AtomicInteger();
        try (Spool spool = Spool.open(dir, d -> forces.incrementAndGet())) {
            String a = spool.store(SpoolTest.envelope("a@example.net"), MESSAGE).id();
            String b = spool.store(SpoolTest.envelope("a@example.net"), MESSAGE).id();
            assertEquals(2, forces.get(), "each store waits for its own directory fsync");
            assertTrue(spool.removeFinished(a));
            assertTrue(spool.removeFinished(b));
            assertEquals(List.of(), listing("queue"), "gone at once: a restart after kill -9 does not deliver them again");
            assertEquals(2, forces.get(), "no fsync of its own for a finished message");
            spool.syncRemovals();
            assertEquals(3, forces.get(), "one fsync for both removals");
            spool.syncRemovals();
            assertEquals(3, forces.get(), "nothing removed since: no fsync");
            assertTrue(spool.remove(spool.store(SpoolTest.envelope("a@example.net"), MESSAGE).id()));
            assertEquals(5, forces.get(), "a postmaster's delete is durable before it returns");
        }
    }
}
