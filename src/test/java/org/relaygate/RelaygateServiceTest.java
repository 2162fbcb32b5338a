package org.relaygate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.policyd.PolicyClient.rcpt;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policyd.PolicyClient;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;
import org.slf4j.LoggerFactory;

/**
 * The whole server on a real H2 file: a change made through the registry (as the CLI would, over
 * its own connection pool) reaches the policy answers on a real socket within 2 s.
 */
@ExtendWith(VertxExtension.class)
class RelaygateServiceTest {

    private static final Actor ADMIN = new Actor("postmaster", "cli");
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> serviceLog = new ListAppender<>();
    private Logger serviceLogger;

    @BeforeEach
    void captureServiceLog() {
        serviceLogger = (Logger) LoggerFactory.getLogger(RelaygateService.class);
        serviceLog.start();
        serviceLogger.addAppender(serviceLog);
    }

    @AfterEach
    void releaseServiceLog() {
        serviceLogger.detachAppender(serviceLog);
    }

    private RelaygateConfig config(Path db, String listen) {
        return RelaygateConfig.load(null, Map.of(), Map.of(
                "db", db.toString(), "policy.listen", listen, "registry.poll-interval", "200ms"));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Asks on one connection (as Postfix would) until the reply is the expected one; the time it took. */
    private static Duration untilAnswer(PolicyClient client, String address, String expected) throws Exception {
        long start = System.nanoTime();
        long deadline = start + PROPAGATION.toNanos() + TimeUnit.SECONDS.toNanos(3);
        String reply = client.ask(rcpt(address));
        while (!reply.equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still answering " + reply.strip() + " instead of " + expected.strip());
            }
            Thread.sleep(20); // a condition wait: the next ask shows whether the snapshot moved
            reply = client.ask(rcpt(address));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void registryChangesReachThePolicyAnswersWithinTwoSeconds(Vertx vertx) throws Exception {
        RelaygateService service = await(RelaygateService.start(vertx, config(dir, "127.0.0.1:0")));
        Registry admin = await(Registry.open(vertx, config(dir, "127.0.0.1:0")));
        try (PolicyClient postfix = PolicyClient.connect(service.policyPort())) {
            assertEquals("action=REJECT 5.7.1 Client 192.0.2.10 is not registered for relay; register at the postmaster's mail relay registration form\n\n",
                    postfix.ask(rcpt("192.0.2.10")));

            long id = await(admin.register(new NewRegistration("Physics", "physics-it@example.edu", "Copier room 12",
                    "no SMTP AUTH", "Dr. Head", LocalDate.of(2024, 5, 1), List.of("192.0.2.10"), null), ADMIN));
            untilAnswer(postfix, "192.0.2.10", "action=REJECT 5.7.1 Relay registration #" + id
                    + " for 192.0.2.10 is pending approval by the postmaster\n\n");

            await(admin.approve(id, ADMIN));
            Duration toOk = untilAnswer(postfix, "192.0.2.10", "action=OK\n\n");
            assertTrue(toOk.compareTo(PROPAGATION) < 0, "approval took " + toOk);

            await(admin.block(Cidr.parse("192.0.2.10"), "virus outbreak", null, ADMIN));
            Duration toReject = untilAnswer(postfix, "192.0.2.10",
                    "action=REJECT 5.7.1 Relay access for 192.0.2.10 is blocked by the postmaster: virus outbreak\n\n");
            assertTrue(toReject.compareTo(PROPAGATION) < 0, "block took " + toReject);
            assertEquals(id, service.snapshot().registration(org.relaygate.policy.IpAddress.parse("192.0.2.10")).registrationId());
        } finally {
            await(admin.close());
            await(service.stop());
        }
    }

    @Test
    void announcesTheActualPortAndWarnsWithoutInstitutionNetworks(Vertx vertx) throws Exception {
        RelaygateService service = await(RelaygateService.start(vertx, config(dir, "127.0.0.1:0")));
        try {
            List<String> lines = serviceLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(lines.contains("policy server listening on 127.0.0.1:" + service.policyPort()), lines::toString);
            assertTrue(service.policyPort() > 0);
            assertEquals(1, serviceLog.list.stream().filter(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().equals("no institution network configured: any address may be registered;"
                    + " add them with `relaygate networks add CIDR`")).count(), lines::toString);
        } finally {
            await(service.stop());
        }
    }

    @Test
    void stopIsIdempotentAndClosesThePort(Vertx vertx) throws Exception {
        RelaygateService service = await(RelaygateService.start(vertx, config(dir, "127.0.0.1:0")));
        int port = service.policyPort();
        try (PolicyClient c = PolicyClient.connect(port)) {
            assertTrue(c.ask(rcpt("192.0.2.1")).startsWith("action=REJECT 5.7.1 Client 192.0.2.1 is not registered"));
            await(service.stop());
            assertEquals("", c.readToEnd(), "open connections are closed on stop");
        }
        await(service.stop());
        assertThrows(ConnectException.class, () -> PolicyClient.connect(port).close());
        // The registry was closed too: the same file opens again in this JVM.
        await(await(Registry.open(vertx, config(dir, "127.0.0.1:0"))).close());
    }

    @Test
    void aTakenPortFailsTheStartAndReleasesTheRegistry(Vertx vertx) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> await(RelaygateService.start(vertx, config(dir, "127.0.0.1:" + taken.getLocalPort()))));
            assertTrue(String.valueOf(failure.getCause().getMessage()).toLowerCase().contains("address already in use"),
                    failure.getCause().toString());
        }
        // Nothing was left open: the same registry starts again at once.
        RelaygateService again = await(RelaygateService.start(vertx, config(dir, "127.0.0.1:0")));
        await(again.stop());
    }
}
