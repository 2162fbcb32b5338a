package org.relaygate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.metrics.DeliveryResult;
import org.relaygate.metrics.Metrics;
import org.relaygate.policy.Action;
import org.relaygate.policy.Reason;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policyd.PolicyClient;
import org.relaygate.registry.Actor;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import org.relaygate.spool.Spool;
import org.slf4j.LoggerFactory;

/**
 * The whole server on a real H2 file: a change made through the registry (as the CLI would, over
 * its own connection pool) reaches the policy answers on a real socket within 2 s; with the relay
 * on, a registered client's message goes over real sockets through the spool to a next hop; a
 * registration far past its rate limits is suspended by the system, and the mailer tells its
 * contact and the postmaster through a smarthost.
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

    /** The policy server and the relay, with the spool in the test's directory and mail to {@code nextHop}. */
    private RelaygateConfig relayConfig(String policyListen, String smtpListen, int nextHop) {
        return RelaygateConfig.load(null, Map.of(), Map.of(
                "db", dir.toString(), "policy.listen", policyListen, "registry.poll-interval", "200ms",
                "smtp.listen", smtpListen, "smtp.hostname", "relay.test", "delivery.next-hop", "127.0.0.1:" + nextHop,
                "spool.dir", dir.resolve("spool").toString()));
    }

    /** Registers and approves one address, and waits until the running service's snapshot has it. */
    private static void approve(Registry admin, RelaygateService service, String address) throws Exception {
        long id = await(admin.register(new NewRegistration("Physics", "physics-it@example.edu", "Copier room 12",
                "no SMTP AUTH", "Dr. Head", LocalDate.of(2024, 5, 1), List.of(address), null), ADMIN));
        await(admin.approve(id, ADMIN));
        IpAddress ip = IpAddress.parse(address);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (service.snapshot().registration(ip) == null
                || service.snapshot().registration(ip).status() != RegistrationStatus.ACTIVE) {
            assertTrue(System.nanoTime() < deadline, "the snapshot never showed " + address + " approved");
            Thread.sleep(20); // a condition wait on the watcher's next poll
        }
    }

    private List<String> loggedLines() {
        return serviceLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
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
            assertEquals(id, service.snapshot().registration(IpAddress.parse("192.0.2.10")).registrationId());
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

    @Test
    void theRelayDeliversARegisteredClientsMessageAndRefusesOthersWithThePolicyServersText(Vertx vertx) throws Exception {
        try (NextHopSink sink = new NextHopSink()) {
            RelaygateService service = await(RelaygateService.start(vertx, relayConfig("127.0.0.1:0", "127.0.0.1:0", sink.port())));
            Registry admin = await(Registry.open(vertx, config(dir, "127.0.0.1:0")));
            try {
                assertTrue(loggedLines().contains("smtp relay listening on 127.0.0.1:" + service.smtpPort()), loggedLines()::toString);
                approve(admin, service, "127.0.0.2");
                String body = "From: <scanner@dept.test>\r\nTo: <someone@outside.test>\r\nSubject: wired\r\n"
                        + "Message-ID: <wired@dept.test>\r\n\r\n.a line that starts with a dot\r\nbody\r\n";
                String dataReply;
                try (SmtpTestClient c = SmtpTestClient.connect("127.0.0.2", service.smtpPort())) {
                    assertTrue(c.greeting().startsWith("220 relay.test"));
                    assertTrue(c.command("EHLO printer.dept.test").startsWith("250-relay.test"));
                    assertTrue(c.command("MAIL FROM:<scanner@dept.test>").startsWith("250 "));
                    assertTrue(c.command("RCPT TO:<someone@outside.test>").startsWith("250 "));
                    assertTrue(c.command("DATA").startsWith("354 "));
                    dataReply = c.data(body.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.US_ASCII));
                    c.command("QUIT");
                }
                assertTrue(dataReply.matches("250 .*[0-9A-F]{16}.*"), "250 with the queue id: " + dataReply);

                // Two messages: the device's, and the approval's confirmation, which the mailer sent
                // through the relay's own spool (the relay is on), so it reached the same next hop.
                List<NextHopSink.Received> both = receive(sink, 2);
                NextHopSink.Received got = both.stream().filter(m -> m.sender().equals("scanner@dept.test")).findFirst()
                        .orElseThrow(() -> new AssertionError("the device's message did not reach the next hop: " + both));
                NextHopSink.Received confirmation = both.stream().filter(m -> m != got).findFirst().orElseThrow();
                assertEquals("postmaster@relay.test", confirmation.sender());
                assertEquals(List.of("physics-it@example.edu"), confirmation.recipients());
                assertTrue(confirmation.text().contains("\r\nSubject: Mail relay registration #"), confirmation.text());
                assertTrue(confirmation.text().contains("    127.0.0.2\r\n"), "the confirmation lists the address: " + confirmation.text());
                assertEquals(List.of("someone@outside.test"), got.recipients());
                assertTrue(got.text().startsWith("Received: from printer.dept.test"), got.text());
                assertTrue(got.text().endsWith("\r\n" + body), "the message follows the Received: header intact: " + got.text());
                assertEquals(1, got.text().split("\r\nReceived: |^Received: ", -1).length - 1, "one Received: header: " + got.text());

                String refused;
                try (SmtpTestClient c = SmtpTestClient.connect("127.0.0.3", service.smtpPort())) {
                    c.greeting();
                    c.command("EHLO printer.dept.test");
                    c.command("MAIL FROM:<scanner@dept.test>");
                    refused = c.command("RCPT TO:<someone@outside.test>");
                }
                String policy;
                try (PolicyClient postfix = PolicyClient.connect(service.policyPort())) {
                    policy = postfix.ask(rcpt("127.0.0.3"));
                }
                assertTrue(policy.startsWith("action=REJECT 5.7.1 Client 127.0.0.3 is not registered for relay"), policy);
                // One engine: the relay words it as Postfix words the policy server's answer.
                assertEquals("554 5.7.1 <someone@outside.test>: Recipient address rejected: "
                        + policy.substring("action=REJECT 5.7.1 ".length()).strip(), refused);
                assertNull(sink.poll(300, TimeUnit.MILLISECONDS), "nothing else reached the next hop");

                // The relay's decisions count with the policy server's; each recipient's delivery by result.
                Metrics metrics = service.metrics();
                assertEquals(1, metrics.decisions(Action.OK, Reason.REGISTERED), "the relay's RCPT");
                assertEquals(1, metrics.decisions(Action.DUNNO, Reason.END_OF_MESSAGE), "the relay's END-OF-MESSAGE");
                assertEquals(2, metrics.decisions(Action.REJECT, Reason.NOT_REGISTERED), "the relay's and the policy server's");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (metrics.deliveries(DeliveryResult.DELIVERED) < 2 || service.gauges().queue().messages() > 0) {
                    assertTrue(System.nanoTime() < deadline, "both deliveries recorded and the queue empty: "
                            + metrics.deliveries(DeliveryResult.DELIVERED) + ", " + service.gauges().queue());
                    Thread.sleep(20); // the result is recorded after the next hop's reply, which the sink sent first
                }
                assertEquals(2, metrics.deliveries(DeliveryResult.DELIVERED));
                assertNull(service.gauges().queue().oldestArrival());
            } finally {
                await(admin.close());
                await(service.stop());
            }
        }
    }

    @Test
    void aRelayOnlyServiceRunsWithThePolicyServerOffAndReleasesEverythingOnStop(Vertx vertx) throws Exception {
        RelaygateService service = await(RelaygateService.start(vertx, relayConfig("off", "127.0.0.1:0", 25)));
        int port = service.smtpPort();
        try (SmtpTestClient c = SmtpTestClient.connect("127.0.0.1", port)) {
            assertTrue(c.greeting().startsWith("220 "));
            assertThrows(IllegalStateException.class, service::policyPort);
            assertTrue(loggedLines().contains("smtp relay listening on 127.0.0.1:" + port), loggedLines()::toString);
            assertTrue(loggedLines().stream().noneMatch(l -> l.startsWith("policy server listening on")), loggedLines()::toString);
        } finally {
            await(service.stop());
        }
        assertThrows(ConnectException.class, () -> SmtpTestClient.connect("127.0.0.1", port).close());
        // The spool lock and the registry were released: both open again in this JVM.
        Spool.open(dir.resolve("spool")).close();
        await(await(Registry.open(vertx, config(dir, "127.0.0.1:0"))).close());
    }

    @Test
    void withBothListenersOffThereIsNothingToServe(Vertx vertx) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> await(RelaygateService.start(vertx, relayConfig("off", "off", 25))));
        assertEquals("nothing to serve: policy.listen and smtp.listen are both off (set --policy-listen or --smtp-listen)",
                failure.getCause().getMessage());
    }

    @Test
    void aTakenSmtpPortFailsTheStartAndReleasesTheSpoolAndTheRegistry(Vertx vertx) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> await(RelaygateService.start(vertx,
                    relayConfig("127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort(), 25))));
            assertTrue(String.valueOf(failure.getCause().getMessage()).toLowerCase().contains("address already in use"),
                    failure.getCause().toString());
        }
        RelaygateService again = await(RelaygateService.start(vertx, relayConfig("127.0.0.1:0", "127.0.0.1:0", 25)));
        await(again.stop());
    }

    /**
     * One message per hour, auto-suspension past twice that: the second message is deferred, the
     * third trips the suspension, which the service writes to the registry as the system; the next
     * request gets the suspended text. The mailer (mail.smarthost, the relay being off) sends the
     * approval's confirmation, the suspension notice to the contact and the alert to the postmaster.
     */
    @Test
    void aRegistrationFarPastItsLimitsIsSuspendedAsTheSystemAndTheMailerTellsContactAndPostmaster(Vertx vertx)
            throws Exception {
        try (NextHopSink smarthost = new NextHopSink()) {
            RelaygateConfig limited = RelaygateConfig.load(null, Map.of(), Map.of(
                    "db", dir.toString(), "policy.listen", "127.0.0.1:0", "registry.poll-interval", "200ms",
                    "limits.messages-per-hour", "1", "limits.auto-suspend-factor", "2",
                    "smtp.hostname", "relay.test", "mail.postmaster", "postmaster@relay.test",
                    "mail.smarthost", "127.0.0.1:" + smarthost.port(), "mail.poll-interval", "200ms"));
            RelaygateService service = await(RelaygateService.start(vertx, limited));
            Registry admin = await(Registry.open(vertx, limited));
            try (PolicyClient postfix = PolicyClient.connect(service.policyPort())) {
                approve(admin, service, "192.0.2.20");
                long id = service.snapshot().registration(IpAddress.parse("192.0.2.20")).registrationId();

                assertEquals("action=OK\n\n", postfix.ask(message("192.0.2.20", "m1")));
                // DEFER, not DEFER_IF_PERMIT: behind main.cf's final reject only DEFER stays temporary.
                assertMatches("action=DEFER 4\\.7\\.1 Relay registration #" + id
                        + " for 192\\.0\\.2\\.20 has reached its limit of 1 message per hour; try again after .*\n\n",
                        postfix.ask(message("192.0.2.20", "m2")));
                assertMatches("action=DEFER 4\\.7\\.1 .*being suspended.*\n\n", postfix.ask(message("192.0.2.20", "m3")));

                String suspended = "action=REJECT 5.7.1 Relay registration #" + id + " for 192.0.2.20 is suspended: automatic: ";
                String reply = untilStartsWith(postfix, message("192.0.2.20", "m4"), suspended);
                assertTrue(reply.endsWith("; contact the postmaster\n\n"), reply);

                Registration now = await(admin.get(id));
                assertEquals(RegistrationStatus.SUSPENDED, now.status());
                assertTrue(now.statusReason().startsWith("automatic: 3 messages"), now.statusReason());
                assertEquals(1, systemSuspensions(admin, id), "one audited suspension by the system");

                List<NextHopSink.Received> mail = receive(smarthost, 3);
                assertEquals(List.of("physics-it@example.edu", "physics-it@example.edu", "postmaster@relay.test"),
                        mail.stream().map(m -> m.recipients().get(0)).sorted().toList());
                assertSubject(mail, "physics-it@example.edu", "Mail relay registration #" + id + " approved: Physics");
                assertSubject(mail, "physics-it@example.edu", "Mail relay registration #" + id + " suspended: Physics");
                assertSubject(mail, "postmaster@relay.test", "relaygate suspended registration #" + id + " (Physics) automatically");
                assertNull(smarthost.poll(300, TimeUnit.MILLISECONDS), "nothing else was sent");
            } finally {
                await(admin.close());
                await(service.stop());
            }
        }
    }

    @Test
    void aMissingTemplatesDirFailsTheStartWithOneLineAndReleasesTheRegistry(Vertx vertx) throws Exception {
        Path missing = dir.resolve("no-templates");
        ExecutionException failure = assertThrows(ExecutionException.class, () -> await(RelaygateService.start(vertx,
                RelaygateConfig.load(null, Map.of(), Map.of("db", dir.toString(), "policy.listen", "127.0.0.1:0",
                        "mail.templates-dir", missing.toString())))));
        assertTrue(failure.getCause() instanceof IllegalArgumentException, failure.getCause().toString());
        assertEquals("mail.templates-dir " + missing + ": no such directory", failure.getCause().getMessage());
        RelaygateService again = await(RelaygateService.start(vertx, config(dir, "127.0.0.1:0")));
        await(again.stop());
    }

    private static String message(String client, String instance) {
        return PolicyClient.request(Map.of("client_address", client, "instance", instance));
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(actual).matches(), () -> "expected " + regex + ", got " + actual);
    }

    /** Asks until the reply starts with {@code prefix} (the snapshot moving), at most 10 s; the reply. */
    private static String untilStartsWith(PolicyClient client, String request, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String reply = client.ask(request);
        while (!reply.startsWith(prefix)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never answered " + prefix + "...; still " + reply.strip());
            }
            Thread.sleep(20); // a condition wait: the next ask shows whether the snapshot moved
            reply = client.ask(request);
        }
        return reply;
    }

    private static long systemSuspensions(Registry admin, long id) throws Exception {
        List<AuditEntry> entries = await(admin.audit(id, 50));
        return entries.stream().filter(e -> e.actor().equals("system") && e.source().equals("system")
                && e.tableName().equalsIgnoreCase("registrations") && e.newValue() != null
                && e.newValue().contains("SUSPENDED")).count();
    }

    private static List<NextHopSink.Received> receive(NextHopSink sink, int count) throws InterruptedException {
        List<NextHopSink.Received> got = new ArrayList<>();
        while (got.size() < count) {
            NextHopSink.Received m = sink.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "only " + got.size() + " of " + count + " messages reached the smarthost");
            got.add(m);
        }
        return got;
    }

    private static void assertSubject(List<NextHopSink.Received> mail, String to, String subject) {
        assertTrue(mail.stream().anyMatch(m -> m.recipients().equals(List.of(to)) && ("\r\n" + m.text()).contains("\r\nSubject: " + subject + "\r\n")),
                () -> "no message to " + to + " with Subject: " + subject + " among " + mail.stream().map(NextHopSink.Received::text).toList());
    }
}
