package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.spool.QueueAdmin;

/** Delivery to a next hop that announces PIPELINING: MAIL, RCPTs and DATA in one write, replies read in order. */
@ExtendWith(VertxExtension.class)
class PipelinedDeliveryTest extends RelayQueueTestBase {

    private static final String MESSAGE = "Subject: pipelined\r\n\r\n.dot first\r\nbody\r\n";

    @BeforeEach
    void announcePipelining() {
        sink.pipelining = true;
    }

    @Test
    void eachRecipientGetsItsOwnReplyAndTheAcceptedOnesTheMessage(Vertx vertx) throws Exception {
        sink.rcptReply("b@example.net", "550 5.1.1 no such user", 1);
        sink.rcptReply("c@example.net", "451 4.3.0 try later", 1);
        start(vertx, Map.of());
        store("dev@example.org", List.of("a@example.net", "b@example.net", "c@example.net", "d@example.net"), MESSAGE);
        awaitCondition("delivery to a and d, then c on retry, and the bounce for b", () -> sink.transactions.size() == 3);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        assertTrue(sink.pipelinedSeen, "MAIL and DATA in one write");
        SmtpSink.Transaction first = sink.transactions.get(0);
        assertEquals(List.of("a@example.net", "d@example.net"), first.recipients());
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.US_ASCII), first.data());
        List<String> rest = sink.transactions.subList(1, 3).stream().map(t -> t.mailFrom() + "->" + t.recipients()).sorted().toList();
        assertEquals(List.of("->[dev@example.org]", "dev@example.org->[c@example.net]"), rest,
                "c retried alone; b bounced to the sender");
    }

    @Test
    void noRecipientAcceptedSendsNoDataAndBouncesEachRefusal(Vertx vertx) throws Exception {
        sink.rcptReply("a@example.net", "550 5.1.1 no such user", 5);
        start(vertx, Map.of());
        store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("the bounce", () -> sink.transactions.size() == 1);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        assertEquals("", sink.transactions.get(0).mailFrom(), "only the DSN reached the next hop");
        assertEquals(List.of("dev@example.org"), sink.transactions.get(0).recipients());
    }
}
