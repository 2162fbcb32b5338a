package org.relaygate.policyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.policyd.PolicyClient.rcpt;
import static org.relaygate.policyd.PolicyClient.request;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Block;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.slf4j.LoggerFactory;

/** The policy server over real loopback sockets, deciding from an in-memory snapshot (no database). */
@ExtendWith(VertxExtension.class)
class PolicyServerTest {

    private static final Snapshot SNAPSHOT = Snapshot.build(1, Instant.now(), List.of(
            new RegisteredAddress(1, Cidr.parse("192.0.2.1/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(2, Cidr.parse("192.0.2.2/32"), RegistrationStatus.PENDING, ""),
            new RegisteredAddress(3, Cidr.parse("192.0.2.3/32"), RegistrationStatus.SUSPENDED, "lost laptop"),
            new RegisteredAddress(4, Cidr.parse("192.0.2.4/32"), RegistrationStatus.REVOKED, ""),
            new RegisteredAddress(5, Cidr.parse("192.0.2.5/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(6, Cidr.parse("2001:db8:1::/48"), RegistrationStatus.ACTIVE, "")),
            List.of(new Block(1, Cidr.parse("192.0.2.5/32"), "spam run", null)), true);

    private static final String OK = "action=OK\n\n";
    private static final String DUNNO = "action=DUNNO\n\n";

    private Vertx vertx;
    private PolicyServer server;

    @BeforeEach
    void startServer(Vertx vertx, VertxTestContext testContext) {
        this.vertx = vertx;
        server = new PolicyServer(vertx, config(Map.of()), () -> SNAPSHOT);
        server.start().onComplete(testContext.succeedingThenComplete());
    }

    @AfterEach
    void stopServer() throws Exception {
        await(server.close());
    }

    private static RelaygateConfig config(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(flags);
        all.putIfAbsent("policy.listen", "127.0.0.1:0");
        return RelaygateConfig.load(null, Map.of(), all);
    }

    /** Another server with other limits; closed with the test's Vertx. */
    private PolicyServer startServer(Map<String, String> flags) throws Exception {
        return await(new PolicyServer(vertx, config(flags), () -> SNAPSHOT).start());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Waits for a condition the server reaches on its own event loop. */
    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private PolicyClient client() throws IOException {
        return PolicyClient.connect(server.actualPort());
    }

    /** One request on a fresh connection; also proves nothing follows the reply. */
    private String askOnce(String request) throws IOException {
        try (PolicyClient c = client()) {
            String reply = c.ask(request);
            assertEquals("", c.finish(), "bytes after the reply");
            return reply;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.1        | action=OK",
        "::ffff:192.0.2.1 | action=OK",
        "2001:db8:1::25   | action=OK",
        "192.0.2.2        | action=REJECT 5.7.1 Relay registration #2 for 192.0.2.2 is pending approval by the postmaster",
        "::ffff:192.0.2.2 | action=REJECT 5.7.1 Relay registration #2 for 192.0.2.2 is pending approval by the postmaster",
        "192.0.2.3        | action=REJECT 5.7.1 Relay registration #3 for 192.0.2.3 is suspended: lost laptop; contact the postmaster",
        "192.0.2.4        | action=REJECT 5.7.1 Relay registration #4 for 192.0.2.4 has been revoked; contact the postmaster",
        "192.0.2.5        | action=REJECT 5.7.1 Relay access for 192.0.2.5 is blocked by the postmaster: spam run",
        "198.51.100.1     | action=REJECT 5.7.1 Client 198.51.100.1 is not registered for relay; register at the postmaster's mail relay registration form",
        "2001:db8:2::1    | action=REJECT 5.7.1 Client 2001:db8:2::1 is not registered for relay; register at the postmaster's mail relay registration form",
        "unknown          | action=REJECT 5.7.1 Client address unknown is not a valid IP address",
    })
    void decidesAtRcpt(String client, String action) throws IOException {
        assertEquals(action + "\n\n", askOnce(rcpt(client)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "EHLO", "HELO", "MAIL", "DATA", "END-OF-MESSAGE", "VRFY", "ETRN"})
    void answersDunnoAtOtherStates(String state) throws IOException {
        // Even an unknown client: DUNNO lets Postfix's other restrictions decide; RCPT is where we refuse.
        assertEquals(DUNNO, askOnce(request(Map.of("protocol_state", state, "client_address", "198.51.100.1"))));
    }

    @Test
    void servesManyRequestsOnOneConnection() throws IOException {
        try (PolicyClient c = client()) {
            for (int i = 0; i < 50; i++) {
                assertEquals(OK, c.ask(rcpt("192.0.2.1")));
                assertTrue(c.ask(rcpt("198.51.100.7")).startsWith("action=REJECT 5.7.1 Client 198.51.100.7 "));
            }
            assertEquals("", c.finish());
        }
    }

    @Test
    void assemblesARequestSentOneBytePerWrite() throws IOException {
        try (PolicyClient c = client()) {
            for (byte b : rcpt("192.0.2.1").getBytes(StandardCharsets.UTF_8)) {
                c.send(new byte[] {b});
            }
            assertEquals(OK, c.readReply());
            assertEquals("", c.finish());
        }
    }

    @Test
    void answersThreeRequestsInOneWriteInOrderWithNothingExtra() throws IOException {
        try (PolicyClient c = client()) {
            c.send(rcpt("192.0.2.1") + rcpt("192.0.2.2") + request(Map.of("protocol_state", "MAIL")));
            assertEquals(OK
                    + "action=REJECT 5.7.1 Relay registration #2 for 192.0.2.2 is pending approval by the postmaster\n\n"
                    + DUNNO, c.finish());
        }
    }

    @Test
    void acceptsCrLfLineEnds() throws IOException {
        assertEquals(OK, askOnce(rcpt("192.0.2.1").replace("\n", "\r\n")));
    }

    @Test
    void closesOnAnOverLongUnfinishedLineWithoutReply() throws IOException {
        try (PolicyClient c = client()) {
            c.send("request=smtpd_access_policy\nclient_address=" + "1".repeat(5000));
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void closesOnAnOverLongCompleteLineWithoutReply() throws IOException {
        // Arrives framed in one read, so RecordParser does not see it as too long: the server must.
        try (PolicyClient c = client()) {
            c.send(request(Map.of("sender", "a".repeat(4100) + "@example.org")));
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void closesOnBinaryJunkWithoutReply() throws IOException {
        try (PolicyClient c = client()) {
            c.send(new byte[] {0, (byte) 0xff, (byte) 0xfe, 1, 2, 0, (byte) 0xff, '\n', '\n'});
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void closesOnTooManyAttributesWithoutReply() throws IOException {
        StringBuilder many = new StringBuilder("request=smtpd_access_policy\nclient_address=192.0.2.1\n");
        for (int i = 0; i < 200; i++) {
            many.append("x").append(i).append("=1\n");
        }
        try (PolicyClient c = client()) {
            c.send(many.append('\n').toString());
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void closesAfterAnsweringWhatCameBeforeTheGarbage() throws IOException {
        try (PolicyClient c = client()) {
            c.send(rcpt("192.0.2.1") + "request=smtpd_access_policy\nclient_address=192.0.2.1\ngarbage\n\n" + rcpt("192.0.2.1"));
            assertEquals(OK, c.readToEnd());
        }
    }

    @Test
    void closesAStalledHalfRequestAfterTheIdleTimeout() throws Exception {
        PolicyServer quick = startServer(Map.of("policy.idle-timeout", "1s"));
        try (PolicyClient c = PolicyClient.connect(quick.actualPort())) {
            assertEquals(OK, c.ask(rcpt("192.0.2.1")));
            c.send("request=smtpd_access_policy\nclient_address=192.0.2.1\n");
            long start = System.nanoTime();
            assertEquals("", c.readToEnd());
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(Duration.ofMillis(800)) > 0 && waited.compareTo(Duration.ofSeconds(4)) < 0,
                    "closed after " + waited);
        }
        awaitCondition("the stalled connection to be gone", () -> quick.openConnections() == 0);
    }

    @Test
    void aGarbledClientDoesNotDisturbAConcurrentGoodOne() throws IOException {
        try (PolicyClient good = client(); PolicyClient bad = client()) {
            String request = rcpt("192.0.2.1");
            int half = request.length() / 2;
            good.send(request.substring(0, half));
            bad.send("request=smtpd_access_policy\nclient_address=192.0.2.1\0\n\n");
            assertEquals("", bad.readToEnd());
            good.send(request.substring(half));
            assertEquals(OK, good.readReply());
            assertEquals(OK, good.ask(request));
            assertEquals("", good.finish());
        }
    }

    @Test
    void answersPromptlyWith2000IdleConnectionsOpen() throws Exception {
        PolicyServer roomy = startServer(Map.of("policy.max-connections", "5000"));
        List<PolicyClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                idle.add(PolicyClient.connect(roomy.actualPort()));
            }
            awaitCondition("2000 accepted connections", () -> roomy.openConnections() == 2000);
            long start = System.nanoTime();
            try (PolicyClient fresh = PolicyClient.connect(roomy.actualPort())) {
                assertEquals(OK, fresh.ask(rcpt("192.0.2.1")));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
            assertEquals(OK, idle.get(0).ask(rcpt("192.0.2.1")), "an old idle connection still works");
        } finally {
            for (PolicyClient c : idle) {
                c.close();
            }
        }
        awaitCondition("every connection to be closed", () -> roomy.openConnections() == 0);
    }

    @Test
    void closesTheConnectionOverTheLimitWhileTheOthersWork() throws Exception {
        PolicyServer limited = startServer(Map.of("policy.max-connections", "3"));
        List<PolicyClient> first = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                first.add(PolicyClient.connect(limited.actualPort()));
            }
            awaitCondition("3 accepted connections", () -> limited.openConnections() == 3);
            try (PolicyClient extra = PolicyClient.connect(limited.actualPort())) {
                assertEquals("", extra.readToEnd(), "the connection over the limit gets no reply");
            }
            for (PolicyClient c : first) {
                assertEquals(OK, c.ask(rcpt("192.0.2.1")));
            }
            assertEquals(3, limited.openConnections());
        } finally {
            for (PolicyClient c : first) {
                c.close();
            }
        }
        awaitCondition("the slots to be free again", () -> limited.openConnections() == 0);
        try (PolicyClient again = PolicyClient.connect(limited.actualPort())) {
            assertEquals(OK, again.ask(rcpt("192.0.2.1")));
        }
    }

    @Test
    void logsOneKeyValueLinePerDecision() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DecisionLog.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            askOnce(request(Map.of("client_address", "192.0.2.1", "sender", "scan ner@example.org",
                    "recipient", "x@example.net", "instance", "a.b.c")));
            askOnce(request(Map.of("client_address", "198.51.100.1", "sender", "")));
            awaitCondition("two decision lines", () -> appender.list.size() >= 2);
            assertEquals(List.of(
                    "client=192.0.2.1 state=RCPT action=OK reason=registered registration=1 sender=scan_ner@example.org recipient=x@example.net instance=a.b.c",
                    "client=198.51.100.1 state=RCPT action=REJECT reason=not-registered registration=- sender=- recipient=someone@example.net instance=123.456.7"),
                    appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void listensOnIpv6Loopback() throws Exception {
        PolicyServer v6 = startServer(Map.of("policy.listen", "[::1]:0"));
        try (PolicyClient c = PolicyClient.connect(InetAddress.getByName("::1"), v6.actualPort())) {
            assertEquals(OK, c.ask(rcpt("2001:db8:1::7")));
            assertEquals("", c.finish());
        }
    }

    @Test
    void closeStopsListeningAndClosesOpenConnections() throws Exception {
        PolicyServer closing = startServer(Map.of());
        int port = closing.actualPort();
        try (PolicyClient c = PolicyClient.connect(port)) {
            assertEquals(OK, c.ask(rcpt("192.0.2.1")));
            await(closing.close());
            assertEquals("", c.readToEnd());
        }
        // The listening socket closes on Netty's boss thread; allow it a moment rather than race it.
        awaitCondition("the port to refuse connections", () -> {
            try {
                PolicyClient.connect(port).close();
                return false;
            } catch (ConnectException refused) {
                return true;
            } catch (java.io.IOException other) {
                return false;
            }
        });
    }

    @Test
    void warnsOnceAboutAFloodOverTheConnectionLimit() throws Exception {
        PolicyServer limited = startServer(Map.of("policy.max-connections", "1"));
        Logger logger = (Logger) LoggerFactory.getLogger(PolicyServer.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (PolicyClient holder = PolicyClient.connect(limited.actualPort())) {
            assertEquals(OK, holder.ask(rcpt("192.0.2.1")));
            for (int i = 0; i < 20; i++) {
                try (PolicyClient refused = PolicyClient.connect(limited.actualPort())) {
                    assertEquals("", refused.readToEnd());
                }
            }
            assertEquals(1, appender.list.stream().filter(e -> e.getLevel() == Level.WARN).count(),
                    () -> appender.list.toString());
            assertEquals(OK, holder.ask(rcpt("192.0.2.1")));
        } finally {
            logger.detachAppender(appender);
        }
    }
}
