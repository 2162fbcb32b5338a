package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.spool.QueueAdmin;
import org.slf4j.LoggerFactory;

/** Delivery through a real next hop on loopback: the happy path, failures, retries and bounces. */
@ExtendWith(VertxExtension.class)
class RelayQueueTest extends RelayQueueTestBase {

    private static final String MESSAGE = "Received: from printer ([192.0.2.7]) by relay.test\r\n"
            + "Subject: dots\r\n\r\n.a line starting with a dot\r\n..two dots\r\n.\r\nlast line\r\n";

    @Test
    void deliversByteForByteAndLogsOneLinePerRecipient(Vertx vertx) throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        start(vertx, Map.of());
        String id = store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("delivery", () -> sink.transactions.size() == 1);
        SmtpSink.Transaction t = sink.transactions.get(0);
        assertEquals("dev@example.org", t.mailFrom());
        assertEquals(List.of("a@example.net"), t.recipients());
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.US_ASCII), t.data(), "the message as stored");
        assertTrue(new String(t.wire(), StandardCharsets.US_ASCII).contains("\r\n..a line starting with a dot\r\n...two dots\r\n..\r\n"),
                "dot-stuffed on the wire");
        assertFalse(sink.bareLfSeen);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        Pattern line = Pattern.compile(id + ": to=<a@example\\.net>, relay=127\\.0\\.0\\.1:" + sink.port()
                + ", delay=\\d+\\.\\d, attempts=1, status=sent \\(250 2\\.0\\.0 Ok: queued as 1\\)");
        awaitCondition("log line", () -> logged(log).stream().anyMatch(m -> line.matcher(m).matches()));
    }

    @Test
    void recipientsOfOneMessageShareOneTransaction(Vertx vertx) throws Exception {
        start(vertx, Map.of());
        store("dev@example.org", List.of("a@example.net", "b@example.net", "c@example.com"), MESSAGE);
        awaitCondition("delivery", () -> sink.transactions.size() == 1);
        assertEquals(List.of("a@example.net", "b@example.net", "c@example.com"), sink.transactions.get(0).recipients());
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        assertEquals(1, sink.mailFroms.size(), "one transaction");
    }

    @Test
    void aTemporaryRefusalIsRetriedForThatRecipientOnly(Vertx vertx) throws Exception {
        sink.rcptReply("b@example.net", "451 4.3.0 mailbox busy", 2);
        start(vertx, Map.of());
        store("dev@example.org", List.of("a@example.net", "b@example.net"), MESSAGE);
        awaitCondition("both delivered", () -> sink.transactions.size() == 2);
        assertEquals(List.of("a@example.net"), sink.transactions.get(0).recipients());
        assertEquals(List.of("b@example.net"), sink.transactions.get(1).recipients());
        assertEquals(List.of("a@example.net", "b@example.net", "b@example.net", "b@example.net"), sink.rcptsSeen);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    @Test
    void aTemporaryRefusalOfMailAppliesToEveryRecipient(Vertx vertx) throws Exception {
        sink.mailReply = "452 4.3.1 insufficient system storage";
        start(vertx, Map.of("delivery.retry-initial", "1h", "delivery.retry-max", "1h"));
        String id = store("dev@example.org", List.of("a@example.net", "b@example.net"), MESSAGE);
        awaitCondition("an attempt", () -> new QueueAdmin(spoolDir).show(id).contains("attempts=1"));
        String shown = new QueueAdmin(spoolDir).show(id);
        assertTrue(shown.contains("pending <a@example.net> attempts=1"), shown);
        assertTrue(shown.contains("pending <b@example.net> attempts=1"), shown);
        assertTrue(shown.contains("(452 4.3.1 insufficient system storage)"), shown);
        assertTrue(sink.rcptsSeen.isEmpty());
    }

    @Test
    void aPermanentRefusalSendsOneDsnToTheSender(Vertx vertx) throws Exception {
        sink.rcptReply("gone@example.net", "550 5.1.1 <gone@example.net>: Recipient address rejected", 100);
        start(vertx, Map.of());
        String id = store("dev@example.org", List.of("a@example.net", "gone@example.net"), MESSAGE);
        awaitCondition("delivery and DSN", () -> sink.transactions.size() == 2);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        assertEquals(2, sink.transactions.size(), "one DSN, no more");
        SmtpSink.Transaction dsn = sink.transactions.get(1);
        assertEquals("", dsn.mailFrom(), "null sender");
        assertEquals(List.of("dev@example.org"), dsn.recipients());
        String text = dsn.text();
        assertTrue(text.startsWith("From: MAILER-DAEMON@relay.test (Mail Delivery System)\r\nTo: <dev@example.org>\r\n"), text);
        assertTrue(text.contains("Content-Type: multipart/report; report-type=delivery-status;"), text);
        assertTrue(text.contains("X-Relaygate-Queue-ID: " + id + "\r\n"), text);
        assertTrue(text.contains("Final-Recipient: rfc822; gone@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "Remote-MTA: dns; 127.0.0.1\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected\r\n"), text);
        assertFalse(text.contains("Final-Recipient: rfc822; a@example.net"), "only the failed recipient");
        assertTrue(text.contains("Content-Type: text/rfc822-headers\r\n\r\nReceived: from printer ([192.0.2.7]) by relay.test\r\nSubject: dots\r\n"), text);
    }

    @Test
    void aBounceThatBouncesIsDropped(Vertx vertx) throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        sink.rcptReply("gone@example.net", "550 5.1.1 no such user", 100);
        start(vertx, Map.of());
        String id = store("", List.of("gone@example.net"), MESSAGE);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        assertEquals(List.of(""), sink.mailFroms, "one attempt, and no bounce of the bounce");
        assertTrue(sink.transactions.isEmpty());
        assertTrue(logged(log).stream().anyMatch(m -> m.startsWith(id + ": undeliverable bounce dropped")));
    }

    @Test
    void expiryAfterTheMaximumLifetimeBounces(Vertx vertx) throws Exception {
        sink.rcptReply("slow@example.net", "451 4.3.0 try later", 1000);
        start(vertx, Map.of("delivery.max-lifetime", "1s"));
        store("dev@example.org", List.of("slow@example.net"), MESSAGE);
        awaitCondition("DSN", () -> sink.transactions.size() == 1);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
        String text = sink.transactions.get(0).text();
        assertEquals("", sink.transactions.get(0).mailFrom());
        assertTrue(text.contains("Final-Recipient: rfc822; slow@example.net\r\nAction: failed\r\nStatus: 4.4.7\r\n"), text);
        assertTrue(text.contains("Diagnostic-Code: smtp; 451 4.3.0 try later\r\n"), text);
        assertTrue(sink.rcptsSeen.size() >= 2, "retried before giving up: " + sink.rcptsSeen);
    }

    @Test
    void aNextHopThatIsDownAndComesBackGetsTheMessage(Vertx vertx) throws Exception {
        int port = sink.port();
        await(sink.stop());
        start(vertx, Map.of());
        String id = store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("a failed attempt", () -> new QueueAdmin(spoolDir).show(id).contains("attempts=1"));
        assertTrue(new QueueAdmin(spoolDir).show(id).contains("(4.4.1 connect to 127.0.0.1:" + port + ": "),
                new QueueAdmin(spoolDir).show(id));
        await(sink.start(port));
        awaitCondition("delivery after a retry", () -> sink.transactions.size() == 1);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    @Test
    void aServerWithoutEhloIsSpokenToWithHelo(Vertx vertx) throws Exception {
        sink.refuseEhlo = true;
        start(vertx, Map.of());
        store("dev@example.org", List.of("a@example.net"), MESSAGE);
        awaitCondition("delivery", () -> sink.transactions.size() == 1);
    }

    @Test
    void neverMoreTransactionsThanTheConcurrency(Vertx vertx) throws Exception {
        start(vertx, Map.of("delivery.concurrency", "2"));
        for (int i = 0; i < 8; i++) {
            queue.sink().store(envelope("dev@example.org", List.of("r" + i + "@example.net")), io.vertx.core.buffer.Buffer.buffer(MESSAGE));
        }
        awaitCondition("all delivered", () -> sink.transactions.size() == 8);
        assertTrue(sink.maxOpen.get() <= 2, "at most 2 at once, saw " + sink.maxOpen.get());
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    /** What was logged so far: the relay logs from its own threads, and AppenderBase appends under the appender's monitor. */
    private static List<String> logged(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(DeliveryLog.class)).addAppender(appender);
        return appender;
    }
}
