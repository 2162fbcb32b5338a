package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.spool.QueueAdmin;
import org.slf4j.LoggerFactory;

/** The delivery's connection cache against a real next hop: reuse, and a cached session gone stale. */
@ExtendWith(VertxExtension.class)
class ConnectionReuseTest extends RelayQueueTestBase {

    private static final String MESSAGE = "Subject: reuse\r\n\r\nbody\r\n";

    private void deliverOneByOne(int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            store("dev@example.org", List.of("r" + i + "@example.net"), MESSAGE);
            int want = i;
            awaitCondition("delivery " + i, () -> sink.transactions.size() == want);
        }
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    /** The "status=sent" lines so far; AppenderBase appends under the appender's monitor. */
    private static List<String> sent(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("status=sent")).toList();
        }
    }

    @Test
    void messagesToTheSameHopShareOneSession(Vertx vertx) throws Exception {
        start(vertx, Map.of());
        deliverOneByOne(5);
        assertEquals(1, sink.sessions.get(), "five transactions, one connection");
        assertEquals(List.of("r1@example.net", "r2@example.net", "r3@example.net", "r4@example.net", "r5@example.net"),
                sink.transactions.stream().flatMap(t -> t.recipients().stream()).toList());
    }

    @Test
    void aCachedSessionRefusedAtMailIsReplacedWithinTheSameAttempt(Vertx vertx) throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(DeliveryLog.class)).addAppender(log);
        sink.reusedMailReply = "421 4.4.2 sink.test closing idle session";
        start(vertx, Map.of());
        deliverOneByOne(3);
        assertEquals(3, sink.sessions.get(), "each cached session was refused, so each message had a new one");
        awaitCondition("three log lines", () -> sent(log).size() == 3);
        assertTrue(sent(log).stream().allMatch(m -> m.contains("attempts=1,")),
                "delivered at the first attempt, not deferred by the stale session: " + sent(log));
        ((Logger) LoggerFactory.getLogger(DeliveryLog.class)).detachAppender(log);
    }
}
