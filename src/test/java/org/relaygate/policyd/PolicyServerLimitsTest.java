package org.relaygate.policyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.policyd.PolicyClient.request;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.RateLimiter;
import org.relaygate.policy.Reason;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.TestClock;
import org.slf4j.LoggerFactory;

/** Rate limits through the policy server over real loopback sockets: RCPT and END-OF-MESSAGE requests as Postfix sends them. */
@ExtendWith(VertxExtension.class)
class PolicyServerLimitsTest {

    private static final Instant NOW = Instant.parse("2026-05-04T09:30:00Z");
    private static final Snapshot SNAPSHOT = Snapshot.build(1, NOW, List.of(
            new RegisteredAddress(1, Cidr.parse("192.0.2.1/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(2, Cidr.parse("192.0.2.2/32"), RegistrationStatus.PENDING, "")), List.of(), true);

    private final TestClock clock = new TestClock(NOW);
    private final List<String> suspended = new CopyOnWriteArrayList<>();
    private PolicyEngine engine;
    private PolicyServer server;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext testContext) {
        RateLimiter limiter = new RateLimiter(new LimitSettings(new Limits(2, 0, 0), Duration.ofSeconds(30), true, 2), clock,
                (id, why) -> suspended.add(id + ": " + why));
        engine = new PolicyEngine(DecisionTexts.DEFAULTS, clock, limiter);
        RelaygateConfig config = RelaygateConfig.load(null, Map.of(), Map.of("policy.listen", "127.0.0.1:0"));
        server = new PolicyServer(vertx, config, () -> SNAPSHOT, engine);
        server.start().onComplete(testContext.succeedingThenComplete());
    }

    @AfterEach
    void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The reply's action line, without the empty line that ends it. */
    private static String ask(PolicyClient c, String request) throws IOException {
        String reply = c.ask(request);
        assertTrue(reply.endsWith("\n\n") && reply.indexOf('\n') == reply.length() - 2, () -> "one line and an empty one: " + reply);
        return reply.strip();
    }

    private static String rcpt(String client, String instance) {
        return request(Map.of("client_address", client, "instance", instance));
    }

    private static String endOfMessage(String client, String instance, int recipients) {
        return request(Map.of("protocol_state", "END-OF-MESSAGE", "client_address", client, "instance", instance,
                "recipient_count", Integer.toString(recipients), "recipient", "", "size", "4321"));
    }

    @Test
    void endOfMessageIsAnsweredByTheEngineOnTheSameConnection() throws IOException {
        Logger logger = (Logger) LoggerFactory.getLogger(DecisionLog.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (PolicyClient c = PolicyClient.connect(server.actualPort())) {
            assertEquals("action=OK", ask(c, rcpt("192.0.2.1", "8f1.5e2f0a.1")));
            assertEquals("action=OK", ask(c, rcpt("192.0.2.1", "8f1.5e2f0a.1")));
            assertEquals("action=DUNNO", ask(c, endOfMessage("192.0.2.1", "8f1.5e2f0a.1", 1)));
            assertEquals("action=DUNNO", ask(c, endOfMessage("198.51.100.9", "x", 3)), "an unknown client is never refused there");
            assertEquals("action=DUNNO", ask(c, endOfMessage("192.0.2.2", "y", 1)));
        } finally {
            logger.detachAppender(appender);
        }
        assertEquals(new RateLimiter.WindowCounts(1, 1, 1, 2), engine.limiter().counts(1), "corrected to Postfix's count");
        assertEquals(1, engine.decisions(Reason.END_OF_MESSAGE));
        String line = appender.list.get(2).getFormattedMessage();
        assertTrue(line.startsWith("client=192.0.2.1 state=END-OF-MESSAGE action=DUNNO reason=end-of-message registration=1"), line);
    }

    @Test
    void overTheLimitAndWhileSuspendingTheAnswerIsDeferIfPermit() throws IOException {
        try (PolicyClient c = PolicyClient.connect(server.actualPort())) {
            assertEquals("action=OK", ask(c, rcpt("192.0.2.1", "m1")));
            assertEquals("action=OK", ask(c, rcpt("192.0.2.1", "m2")));
            assertEquals("action=DEFER 4.7.1 Relay registration #1 for 192.0.2.1 has reached its limit of"
                    + " 2 messages per 30s; try again after 2026-05-04 09:30:30 UTC", ask(c, rcpt("192.0.2.1", "m3")));
            ask(c, rcpt("192.0.2.1", "m4"));
            assertTrue(suspended.isEmpty());
            assertTrue(ask(c, rcpt("192.0.2.1", "m5")).endsWith("it went far past that limit and is being suspended; contact the postmaster"));
            assertEquals(1, suspended.size());
            assertTrue(ask(c, endOfMessage("192.0.2.1", "m1", 1)).startsWith("action=DEFER 4.7.1 "),
                    "the message in flight is deferred at END-OF-MESSAGE");
        }
        assertEquals(List.of("1: automatic: 5 messages (5 recipients) attempted within 30s, more than 2 times the limit of 2 messages per 30s"),
                suspended);
    }
}
