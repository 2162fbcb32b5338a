package org.relaygate.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.NextHopSink;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.delivery.RelayQueue;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.MessageSink;

/**
 * The mailer against a real registry (a fresh H2 file per test): an in-memory sink, a failing one
 * (with a controllable clock: no sleeps for the backoff), a smarthost over a loopback socket, and
 * the relay's own spool delivering to a next hop.
 */
@ExtendWith(VertxExtension.class)
class MailerTest {

    private static final Actor ADMIN = new Actor("alice", "cli");

    @TempDir
    Path dir;
    Vertx vertx;
    Registry registry;
    Mailer mailer;
    final MutableClock clock = new MutableClock(Instant.parse("2024-06-01T12:00:00Z"));

    /** One message handed to a sink. */
    record Stored(Envelope envelope, String text) {
    }

    /** An in-memory sink that fails its first {@code failures} calls. */
    static final class MemorySink implements MessageSink {
        final List<Stored> stored = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final int failures;

        MemorySink(int failures) {
            this.failures = failures;
        }

        @Override
        public Future<String> store(Envelope envelope, Buffer message) {
            int call = calls.incrementAndGet();
            if (call <= failures) {
                return Future.failedFuture("spool full (call " + call + ")");
            }
            stored.add(new Stored(envelope, message.toString(StandardCharsets.UTF_8)));
            return Future.succeededFuture("Q" + call);
        }
    }

    @BeforeEach
    void open(Vertx vertx) throws Exception {
        this.vertx = vertx;
        registry = await(Registry.open(vertx, config(Map.of())));
    }

    @AfterEach
    void close() throws Exception {
        if (mailer != null) {
            await(mailer.stop());
        }
        await(registry.close());
    }

    private RelaygateConfig config(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>();
        flags.put("db", dir.resolve("db").toString());
        flags.put("spool.dir", dir.resolve("spool").toString());
        flags.put("smtp.hostname", "relay.example.edu");
        flags.put("mail.relay-host", "mail-relay.example.edu");
        flags.put("mail.postmaster", "pm@example.edu");
        flags.put("mail.poll-interval", "1h"); // the tests poll by hand unless they say otherwise
        flags.put("delivery.connect-timeout", "2s");
        flags.put("delivery.command-timeout", "5s");
        flags.putAll(extra);
        return RelaygateConfig.load(null, Map.of(), flags);
    }

    private Mailer started(MessageSink sink, Map<String, String> extra) throws Exception {
        RelaygateConfig config = config(extra);
        mailer = new Mailer(vertx, config.mail(), config.smtp().hostname(), registry.outbox(), sink, "test sink", clock);
        await(mailer.start());
        return mailer;
    }

    private long approved(String contact, String address) throws Exception {
        long id = await(registry.register(new NewRegistration("Physics", contact, "copier", "no SMTP AUTH", "Dr. Head",
                LocalDate.of(2024, 5, 1), List.of(address), null), ADMIN));
        await(registry.approve(id, ADMIN));
        return id;
    }

    /** status, attempts, last_error (or sent_via when SENT) of the outbox row of this kind. */
    private List<String> row(String kind) throws Exception {
        List<List<String>> rows = await(registry.sql("SELECT status, attempts, CASE WHEN status = 'SENT' THEN sent_via"
                + " ELSE last_error END, next_attempt_at FROM outbox WHERE kind = '" + kind + "'", ADMIN)).rows();
        assertEquals(1, rows.size(), kind + ": " + rows);
        return rows.get(0).subList(0, 3);
    }

    @Test
    void aConfirmationReachesTheSinkAndIsMarkedSentOnce() throws Exception {
        MemorySink sink = new MemorySink(0);
        started(sink, Map.of());
        long id = approved("physics-it@example.edu", "192.0.2.7");
        assertEquals(1, await(mailer.pollNow()));
        assertEquals(1, sink.stored.size());
        Stored s = sink.stored.get(0);
        assertEquals("postmaster@relay.example.edu", s.envelope().sender());
        assertEquals(List.of("physics-it@example.edu"), s.envelope().recipients());
        assertTrue(s.text().contains("\r\nSubject: Mail relay registration #" + id + " approved: Physics\r\n"), s.text());
        assertTrue(s.text().contains("\r\n    192.0.2.7\r\n"), s.text());
        assertTrue(s.text().contains("mail relay (SMTP server):  mail-relay.example.edu\r\n"), s.text());
        assertEquals(List.of("SENT", "1", "test sink: Q1"), row("CONFIRMATION"));
        List<String> stored = await(registry.sql("SELECT subject, body FROM outbox", ADMIN)).rows().get(0);
        assertEquals("Mail relay registration #" + id + " approved: Physics", stored.get(0), "what was sent is kept");
        assertTrue(stored.get(1).contains("192.0.2.7"), stored.get(1));
        assertEquals(0, await(mailer.pollNow()), "nothing is sent twice");
        assertEquals(1, sink.stored.size());
    }

    @Test
    void blockNoticesAreSkippedByDefaultWhileSuspensionsAndPostmasterAlertsGoOut() throws Exception {
        MemorySink sink = new MemorySink(0);
        started(sink, Map.of());
        long id = approved("lab@example.edu", "192.0.2.9");
        await(registry.block(Cidr.parse("192.0.2.0/24"), "worm", null, ADMIN));
        await(registry.suspend(id, "over its limits", new Actor("system", "system")));
        assertEquals(4, await(mailer.pollNow()));
        assertEquals(List.of("SKIPPED", "0", "mail.notify-on-block is off"), row("BLOCK"));
        assertEquals("SENT", row("SUSPENSION").get(0));
        assertEquals("SENT", row("POSTMASTER_ALERT").get(0));
        assertEquals(List.of(List.of("lab@example.edu"), List.of("lab@example.edu"), List.of("pm@example.edu")),
                sink.stored.stream().map(s -> s.envelope().recipients()).toList());
        assertTrue(sink.stored.get(2).text().contains("over its limits"), sink.stored.get(2).text());
    }

    @Test
    void aFailingSinkIsRetriedWithBackoffAndNothingIsLost() throws Exception {
        MemorySink sink = new MemorySink(2);
        started(sink, Map.of());
        approved("chem@example.edu", "192.0.2.10");
        assertEquals(1, await(mailer.pollNow()));
        assertEquals(List.of("PENDING", "1", "spool full (call 1)"), row("CONFIRMATION"));
        assertEquals(0, await(mailer.pollNow()), "not due before mail.retry-initial (30s)");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(1, await(mailer.pollNow()));
        assertEquals(List.of("PENDING", "2", "spool full (call 2)"), row("CONFIRMATION"));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, await(mailer.pollNow()), "the second wait is twice as long");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, await(mailer.pollNow()));
        assertEquals(List.of("SENT", "3", "test sink: Q3"), row("CONFIRMATION"));
        assertEquals(1, sink.stored.size());
    }

    @Test
    void afterMailMaxAttemptsTheRowIsFailedAndKept() throws Exception {
        MemorySink sink = new MemorySink(Integer.MAX_VALUE);
        started(sink, Map.of("mail.max-attempts", "2"));
        approved("geo@example.edu", "192.0.2.11");
        await(mailer.pollNow());
        clock.advance(Duration.ofMinutes(1));
        await(mailer.pollNow());
        assertEquals(List.of("FAILED", "2", "spool full (call 2)"), row("CONFIRMATION"));
        clock.advance(Duration.ofHours(2));
        assertEquals(0, await(mailer.pollNow()));
        assertEquals(2, sink.calls.get(), "a FAILED row is not tried again");
    }

    @Test
    void withNothingToSendWithRowsStayPending() throws Exception {
        started(null, Map.of());
        approved("bio@example.edu", "192.0.2.12");
        assertEquals(0, await(mailer.pollNow()));
        assertEquals(0, await(mailer.pollNow()));
        assertEquals(List.of("PENDING", "0", "NULL"), row("CONFIRMATION"));
    }

    @Test
    void throughASmarthost() throws Exception {
        try (NextHopSink smarthost = new NextHopSink("refused@example.edu")) {
            RelaygateConfig config = config(Map.of("mail.smarthost", "127.0.0.1:" + smarthost.port()));
            mailer = Mailer.create(vertx, config, registry, null);
            await(mailer.start());
            approved("physics-it@example.edu", "192.0.2.13");
            approved("refused@example.edu", "192.0.2.14");
            assertEquals(2, await(mailer.pollNow()));
            NextHopSink.Received got = smarthost.poll(10, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals("postmaster@relay.example.edu", got.sender());
            assertEquals(List.of("physics-it@example.edu"), got.recipients());
            assertTrue(got.text().contains("\r\nTo: physics-it@example.edu\r\n"), got.text());
            List<List<String>> rows = await(registry.sql("SELECT recipient, status, attempts, COALESCE(sent_via, last_error)"
                    + " FROM outbox ORDER BY id", ADMIN)).rows();
            assertEquals(List.of("physics-it@example.edu", "SENT", "1",
                    "smarthost 127.0.0.1:" + smarthost.port() + ": 250 2.0.0 ok: queued"), rows.get(0));
            assertEquals(List.of("refused@example.edu", "FAILED", "1"), rows.get(1).subList(0, 3),
                    "a 5xx is final: no retry");
            assertTrue(rows.get(1).get(3).contains("550 5.1.1 <refused@example.edu>"), rows.get(1).get(3));
        }
    }

    @Test
    void throughTheRelaySpoolToTheNextHopOnTheTimer() throws Exception {
        try (NextHopSink nextHop = new NextHopSink()) {
            RelaygateConfig config = config(Map.of("delivery.next-hop", "127.0.0.1:" + nextHop.port(),
                    "mail.poll-interval", "100ms"));
            RelayQueue queue = await(RelayQueue.start(vertx, config));
            try {
                mailer = Mailer.create(vertx, config, registry, queue.sink());
                await(mailer.start());
                long id = approved("physics-it@example.edu", "192.0.2.15");
                NextHopSink.Received got = nextHop.poll(10, TimeUnit.SECONDS);
                assertNotNull(got, "delivered by the relay queue");
                assertEquals("postmaster@relay.example.edu", got.sender());
                assertEquals(List.of("physics-it@example.edu"), got.recipients());
                assertTrue(got.text().contains("Subject: Mail relay registration #" + id + " approved: Physics"), got.text());
                List<String> r = row("CONFIRMATION");
                assertEquals("SENT", r.get(0));
                assertTrue(r.get(2).matches("relay spool: [0-9A-F]{16}"), r.get(2));
                await(mailer.stop());
                mailer = null;
            } finally {
                await(queue.stop());
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
