package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.smtp.Envelope;

/** A fresh spool and a running next-hop sink per test; tiny retry intervals. */
abstract class RelayQueueTestBase {

    @TempDir
    Path spoolDir;
    SmtpSink sink;
    RelayQueue queue;

    @BeforeEach
    void startSink(Vertx vertx) throws Exception {
        sink = await(new SmtpSink(vertx).start());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (queue != null) {
            await(queue.stop());
        }
        sink.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    RelaygateConfig config(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>();
        flags.put("spool.dir", spoolDir.toString());
        flags.put("smtp.hostname", "relay.test");
        flags.put("delivery.next-hop", "127.0.0.1:" + sink.port());
        flags.put("delivery.retry-initial", "100ms");
        flags.put("delivery.retry-max", "200ms");
        flags.put("delivery.queue-scan-interval", "50ms");
        flags.put("delivery.connect-timeout", "2s");
        flags.put("delivery.command-timeout", "5s");
        flags.putAll(extra);
        return RelaygateConfig.load(null, Map.of(), flags);
    }

    RelayQueue start(Vertx vertx, Map<String, String> extra) throws Exception {
        queue = await(RelayQueue.start(vertx, config(extra)));
        return queue;
    }

    static Envelope envelope(String sender, List<String> recipients) {
        return new Envelope("192.0.2.7", "printer", sender, recipients, Instant.now(), "ESMTP");
    }

    String store(String sender, List<String> recipients, String message) throws Exception {
        return await(queue.sink().store(envelope(sender, recipients), Buffer.buffer(message)));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Waits for a condition the relay reaches on its own. */
    static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
