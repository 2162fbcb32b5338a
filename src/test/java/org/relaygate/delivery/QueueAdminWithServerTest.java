package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.spool.QueueAdmin;
import org.relaygate.spool.Spool;

/**
 * {@code queue} commands while the relay runs (the CLI's QueueAdmin in the same JVM, talking to the
 * RelayQueue only through the spool directory, as it would from another process), and restarts.
 */
@ExtendWith(VertxExtension.class)
class QueueAdminWithServerTest extends RelayQueueTestBase {

    private static final String MESSAGE = "Subject: held\r\n\r\nbody\r\n";
    /** Long enough that only a retry request (or a restart) brings another attempt. */
    private static final Map<String, String> SLOW_RETRY = Map.of("delivery.retry-initial", "1h", "delivery.retry-max", "1h");

    @Test
    void listShowRetryAndDeleteWhileServing(Vertx vertx) throws Exception {
        sink.rcptReply("busy@example.net", "451 4.2.1 mailbox busy", 1000);
        start(vertx, SLOW_RETRY);
        String first = store("dev@example.org", List.of("busy@example.net"), MESSAGE);
        String second = store("dev@example.org", List.of("busy@example.net"), MESSAGE);
        QueueAdmin admin = new QueueAdmin(spoolDir);
        awaitCondition("first attempts", () -> sink.rcptsSeen.size() == 2);
        awaitCondition("state written", () -> admin.list().stream().allMatch(s -> "451 4.2.1 mailbox busy".equals(s.lastError())));

        List<QueueAdmin.Summary> list = admin.list();
        assertEquals(List.of(first, second), list.stream().map(QueueAdmin.Summary::id).toList());
        assertTrue(admin.show(first).contains("pending <busy@example.net> attempts=1 next="), admin.show(first));

        assertEquals(1, admin.retry(first));
        awaitCondition("attempt on request", () -> sink.rcptsSeen.size() == 3);
        assertEquals(2, admin.retry(null));
        awaitCondition("attempts on request", () -> sink.rcptsSeen.size() == 5);

        assertEquals(2, queue.queuedMessages());
        admin.delete(second);
        assertEquals(List.of(first), admin.list().stream().map(QueueAdmin.Summary::id).toList());
        assertEquals(1, queue.queuedMessages(), "the /metrics gauge follows a queue delete");
        assertTrue(Files.notExists(spoolDir.resolve("queue").resolve(second + ".msg")));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> admin.delete(second));
        assertEquals("unknown queue id \"" + second + "\"", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> admin.retry(second));
        try (var control = Files.list(spoolDir.resolve("control"))) {
            assertEquals(0, control.count(), "requests and answers cleaned up");
        }
    }

    @Test
    void deleteOfAMessageBeingDeliveredWaitsForTheAttemptAndSendsNoBounce(Vertx vertx) throws Exception {
        sink.rcptReply("gone@example.net", "550 5.1.1 no such user", 1000);
        sink.dataReply = null;
        start(vertx, Map.of("delivery.command-timeout", "2s"));
        sink.stallData = true; // the transaction hangs after DATA until the command timeout
        String id = store("dev@example.org", List.of("a@example.net", "gone@example.net"), MESSAGE);
        awaitCondition("in DATA", () -> sink.rcptsSeen.size() == 2);
        new QueueAdmin(spoolDir).delete(id);
        assertEquals(List.of(), new QueueAdmin(spoolDir).list());
        assertEquals(List.of("dev@example.org"), sink.mailFroms, "no DSN for a deleted message");
    }

    @Test
    void aRestartedQueueDeliversWhatWasPendingAtOnce(Vertx vertx) throws Exception {
        int port = sink.port();
        await(sink.stop());
        start(vertx, SLOW_RETRY);
        String id = store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("a failed attempt", () -> new QueueAdmin(spoolDir).show(id).contains("attempts=1"));
        await(queue.stop());
        queue = null;
        await(sink.start(port));
        start(vertx, SLOW_RETRY); // the next attempt would be in an hour: recovery makes it now
        awaitCondition("delivery", () -> sink.transactions.size() == 1);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    @Test
    void twoQueuesNeverShareASpool(Vertx vertx) throws Exception {
        start(vertx, Map.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(RelayQueue.start(vertx, config(Map.of()))));
        assertTrue(e.getCause() instanceof Spool.BusyException, e.toString());
        store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("the first one still delivers", () -> sink.transactions.size() == 1);
    }
}
