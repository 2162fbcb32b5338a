package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.spool.MessageSink;
import org.slf4j.LoggerFactory;

/**
 * The relay over real loopback sockets: the real policy engine on an in-memory snapshot (127.0.0.1
 * registered, 127.0.0.2 not) and an in-memory spool. Clients are blocking sockets on the test thread.
 */
@ExtendWith(VertxExtension.class)
class SmtpServerTest {

    /** What the in-memory spool was given. */
    record Stored(Envelope envelope, String message) {
    }

    @TempDir
    static Path certDir;
    private static String cert;
    private static String key;

    private static final PolicyEngine ENGINE = new PolicyEngine(DecisionTexts.DEFAULTS, Clock.systemUTC());

    private Vertx vertx;
    private final List<Stored> stored = new CopyOnWriteArrayList<>();
    private final List<PolicyRequest> asked = new CopyOnWriteArrayList<>();
    private volatile boolean spoolFails;
    private volatile long spoolDelayMillis;
    private final List<SmtpServer> servers = new ArrayList<>();
    private SmtpServer server;

    private final MessageSink sink = (envelope, message) -> {
        if (spoolFails) {
            return Future.failedFuture(new IOException("disk full"));
        }
        stored.add(new Stored(envelope, message.toString(StandardCharsets.ISO_8859_1)));
        String id = "Q" + stored.size();
        if (spoolDelayMillis > 0) { // a slow disk: completes later, on a timer
            io.vertx.core.Promise<String> later = io.vertx.core.Promise.promise();
            vertx.setTimer(spoolDelayMillis, t -> later.complete(id));
            return later.future();
        }
        return Future.succeededFuture(id);
    };

    private final RelayPolicy policy = request -> {
        asked.add(request);
        return ENGINE.decide(request, TestSettings.SNAPSHOT);
    };

    /** A self-signed EC certificate for STARTTLS, made once with openssl. */
    @BeforeAll
    static void makeCertificate() throws Exception {
        cert = certDir.resolve("cert.pem").toString();
        key = certDir.resolve("key.pem").toString();
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed: " + output);
    }

    @BeforeEach
    void startServer(Vertx vertx) throws Exception {
        this.vertx = vertx;
        server = start(Map.of());
    }

    @AfterEach
    void stopServers() throws Exception {
        for (SmtpServer s : servers) {
            await(s.close());
        }
    }

    private SmtpServer start(Map<String, String> overrides) throws Exception {
        SmtpServer s = await(new SmtpServer(vertx, TestSettings.smtp(overrides), policy, sink).start());
        servers.add(s);
        return s;
    }

    private SmtpServer startWithTls() throws Exception {
        return start(Map.of("tls-cert", cert, "tls-key", key));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private SmtpClient connect(String from) throws IOException {
        return connect(from, server);
    }

    private static SmtpClient connect(String from, SmtpServer s) throws IOException {
        SmtpClient c = SmtpClient.connect(from, s.actualPort());
        c.expectReply("220 relay.test ESMTP relaygate");
        return c;
    }

    @Test
    void aRegisteredClientDelivers() throws Exception {
        ListAppender<ILoggingEvent> logged = capture(SmtpLog.class);
        try (SmtpClient c = connect("127.0.0.1")) {
            assertEquals("250-relay.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n",
                    c.send("EHLO printer.example.org"));
            c.expect("MAIL FROM:<scanner@example.org>", "250 2.1.0 Ok").expect("RCPT TO:<b@example.net>", "250 2.1.5 Ok")
                    .expect("DATA", "354 ");
            assertEquals("250 2.0.0 Ok: queued as Q1\r\n", c.write("Subject: scan\r\n\r\n..dot\r\nbody\r\n").send("."));
            c.expect("QUIT", "221 2.0.0 Bye");
            assertEquals("", c.readToEnd());
        }
        Stored s = stored.get(0);
        assertEquals("127.0.0.1", s.envelope().clientAddress());
        assertEquals("printer.example.org", s.envelope().heloName());
        assertEquals("scanner@example.org", s.envelope().sender());
        assertEquals(List.of("b@example.net"), s.envelope().recipients());
        assertEquals("ESMTP", s.envelope().protocol());
        assertTrue(s.message().startsWith("Received: from printer.example.org (unknown [127.0.0.1])\r\n\tby relay.test (relaygate) with ESMTP id "),
                s.message());
        assertTrue(s.message().endsWith("\r\nSubject: scan\r\n\r\n.dot\r\nbody\r\n"), s.message());
        awaitCondition("the log line", () -> !logged.list.isEmpty());
        assertTrue(logged.list.get(0).getFormattedMessage().startsWith("client=127.0.0.1 from=scanner@example.org to=1 id=Q1 size="
                + s.message().length() + " "), logged.list.get(0).getFormattedMessage());
    }

    @Test
    void anUnregisteredClientGetsTheEngineTextAtRcpt() throws Exception {
        ListAppender<ILoggingEvent> logged = capture(SmtpLog.class);
        try (SmtpClient c = connect("127.0.0.2")) {
            c.expect("HELO device", "250 relay.test").expect("MAIL FROM:<scanner@example.org>", "250 2.1.0");
            assertEquals("554 5.7.1 <b@example.net>: Recipient address rejected: Client 127.0.0.2 is not registered for relay; "
                    + "register at the postmaster's mail relay registration form\r\n", c.send("RCPT TO:<b@example.net>"));
            c.expect("DATA", "503 5.5.1 Error: no valid recipients");
        }
        assertEquals("127.0.0.2", asked.get(0).clientAddress());
        assertEquals("SMTP", asked.get(0).get("protocol_name"));
        assertTrue(stored.isEmpty());
        assertEquals("client=127.0.0.2 from=scanner@example.org to=b@example.net refused=not-registered reply=554_5.7.1",
                logged.list.get(0).getFormattedMessage());
    }

    @Test
    void answersAPipelinedTransactionInOrder() throws Exception {
        try (SmtpClient c = connect("127.0.0.1")) {
            c.write("EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n");
            c.expectReply("250-relay.test").expectReply("250 2.1.0").expectReply("250 2.1.5").expectReply("250 2.1.5")
                    .expectReply("354 ");
            c.write("Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<d@example.net>\r\nDATA\r\n");
            c.expectReply("250 2.0.0 Ok: queued as Q1").expectReply("250 2.1.0").expectReply("250 2.1.5").expectReply("354 ");
            c.write("second\r\n.\r\nQUIT\r\n").expectReply("250 2.0.0 Ok: queued as Q2").expectReply("221 2.0.0");
            assertEquals("", c.readToEnd());
        }
        assertEquals(List.of("b@example.net", "c@example.net"), stored.get(0).envelope().recipients());
        assertEquals("", stored.get(1).envelope().sender());
        assertTrue(stored.get(1).message().endsWith("\r\nsecond\r\n"));
    }

    @Test
    void takesTheMessageEvenInTheSameWriteAsData() throws Exception {
        // Not allowed by RFC 2920 (DATA ends a group), but old stacks do it: the bytes after DATA are the message.
        try (SmtpClient c = connect("127.0.0.1")) {
            c.write("HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n");
            c.expectReply("250 relay.test").expectReply("250 2.1.0").expectReply("250 2.1.5").expectReply("354 ")
                    .expectReply("250 2.0.0 Ok: queued as Q1").expectReply("221");
        }
        assertTrue(stored.get(0).message().endsWith("\r\nSubject: s\r\n\r\nbody\r\n"), stored.get(0).message());
    }

    @Test
    void smuggledCommandsStayInsideTheMessage() throws Exception {
        String smuggled = "MAIL FROM:<admin@example.org>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nforged\r\n";
        try (SmtpClient c = connect("127.0.0.1")) {
            c.write("EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
            c.expectReply("250-").expectReply("250 2.1.0").expectReply("250 2.1.5").expectReply("354");
            // <LF>.<LF>, <CRLF>.<LF>, <LF>.<CRLF>: none of them ends the data; only the last <CRLF>.<CRLF> does.
            c.write("real\r\n\n.\n" + smuggled + ".\n" + smuggled + "\n.\r\n" + smuggled + ".\r\n");
            c.expectReply("250 2.0.0 Ok: queued as Q1").expect("QUIT", "221");
        }
        assertEquals(1, stored.size());
        assertEquals(1, asked.stream().filter(r -> r.protocolState().equals("RCPT")).count(),
                "the smuggled RCPT never reached the policy");
        assertEquals("END-OF-MESSAGE", asked.get(1).protocolState(), "one message: one END-OF-MESSAGE");
        String m = stored.get(0).message();
        assertTrue(m.endsWith("\r\nreal\r\n\r\n.\r\n" + smuggled + ".\r\n" + smuggled + "\r\n.\r\n" + smuggled), m);
    }

    @Test
    void aSlowSpoolKeepsPipelinedRepliesInOrder() throws Exception {
        spoolDelayMillis = 300;
        try (SmtpClient c = connect("127.0.0.1")) {
            c.write("EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
            c.expectReply("250-").expectReply("250 2.1.0").expectReply("250 2.1.5").expectReply("354");
            c.write("body\r\n.\r\nNOOP\r\n");
            c.write("RSET\r\nQUIT\r\n"); // arrives while the spool is still writing
            c.expectReply("250 2.0.0 Ok: queued as Q1").expectReply("250 2.0.0 Ok").expectReply("250 2.0.0 Ok").expectReply("221");
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void pipelinedCommandsAfterQuitGetNoReply() throws Exception {
        try (SmtpClient c = connect("127.0.0.1")) {
            c.write("NOOP\r\nQUIT\r\nNOOP\r\nMAIL FROM:<a@example.org>\r\n");
            assertEquals("250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n", c.readToEnd());
        }
    }

    @Test
    void postfixSmtpSourceDeliversEveryMessage() throws Exception {
        // Postfix's own test client as the issue runs it: 8 sessions in parallel, 4 kB messages.
        Process p = new ProcessBuilder("smtp-source", "-c", "-l", "4096", "-m", "200", "-s", "8",
                "-f", "source@example.org", "-t", "sink@example.net", "127.0.0.1:" + server.actualPort())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertEquals(200, stored.size(), output);
        assertTrue(stored.stream().allMatch(s -> s.envelope().recipients().equals(List.of("sink@example.net"))
                && s.message().length() > 4096), "every message whole");
    }

    @Test
    void answersVrfyHelpAndQuit() throws Exception {
        try (SmtpClient c = connect("127.0.0.2")) {
            c.expect("VRFY root", "252 2.5.2 ").expect("HELP", "214 2.0.0 ").expect("NOOP", "250 2.0.0 Ok")
                    .expect("EXPN staff", "502 5.5.1").expect("FOO", "500 5.5.2");
            assertEquals("221 2.0.0 Bye\r\n", c.send("QUIT"));
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void refusesAnOverSizeDeclarationAndAnOverSizeBody() throws Exception {
        SmtpServer small = start(Map.of("max-message-size", "2048"));
        try (SmtpClient c = connect("127.0.0.1", small)) {
            c.expect("EHLO x", "250-relay.test\r\n250-PIPELINING\r\n250-SIZE 2048\r\n");
            c.expect("MAIL FROM:<a@example.org> SIZE=2049", "552 5.3.4 Error: message file too big");
            c.expect("MAIL FROM:<a@example.org> SIZE=100", "250 2.1.0").expect("RCPT TO:<b@example.net>", "250 2.1.5")
                    .expect("DATA", "354");
            c.write(("x".repeat(998) + "\r\n").repeat(50)); // 50 kB against a 2 kB limit: read on, then refused
            c.expect(".", "552 5.3.4 Error: message file too big");
            c.expect("NOOP", "250 2.0.0").expect("RCPT TO:<b@example.net>", "503 5.5.1 Error: need MAIL");
        }
        assertTrue(stored.isEmpty());
    }

    @Test
    void closesAnIdleConnectionWith421() throws Exception {
        SmtpServer impatient = start(Map.of("idle-timeout", "300ms"));
        try (SmtpClient c = connect("127.0.0.1", impatient)) {
            c.expect("EHLO x", "250-");
            assertEquals("421 4.4.2 relay.test Error: timeout exceeded\r\n", c.readToEnd());
        }
    }

    @Test
    void closesAStalledDataSectionWith421() throws Exception {
        SmtpServer impatient = start(Map.of("data-timeout", "300ms"));
        try (SmtpClient c = connect("127.0.0.1", impatient)) {
            c.expect("HELO x", "250").expect("MAIL FROM:<a@example.org>", "250").expect("RCPT TO:<b@example.net>", "250")
                    .expect("DATA", "354").write("Subject: never ends\r\n");
            assertEquals("421 4.4.2 relay.test Error: timeout exceeded\r\n", c.readToEnd());
        }
        assertTrue(stored.isEmpty());
    }

    @Test
    void limitsConnectionsPerClient() throws Exception {
        SmtpServer limited = start(Map.of("max-connections-per-client", "2"));
        try (SmtpClient a = connect("127.0.0.1", limited); SmtpClient b = connect("127.0.0.1", limited);
             SmtpClient other = connect("127.0.0.2", limited)) {
            try (SmtpClient third = SmtpClient.connect("127.0.0.1", limited.actualPort())) {
                assertEquals("421 4.7.0 relay.test Error: too many connections\r\n", third.readToEnd());
            }
            a.expect("QUIT", "221");
            awaitCondition("the first connection to end", () -> limited.openConnections() == 2);
            try (SmtpClient again = connect("127.0.0.1", limited)) {
                again.expect("NOOP", "250");
            }
            b.expect("NOOP", "250");
            other.expect("NOOP", "250");
        }
    }

    @Test
    void limitsConnectionsInAll() throws Exception {
        SmtpServer limited = start(Map.of("max-connections", "1"));
        try (SmtpClient a = connect("127.0.0.1", limited);
             SmtpClient b = SmtpClient.connect("127.0.0.2", limited.actualPort())) {
            assertEquals("421 4.7.0 relay.test Error: too many connections\r\n", b.readToEnd());
            a.expect("NOOP", "250");
        }
    }

    @Test
    void disconnectsAfterTooManyErrors() throws Exception {
        SmtpServer strict = start(Map.of("max-errors", "2"));
        try (SmtpClient c = connect("127.0.0.1", strict)) {
            c.expect("FOO", "500").expect("RCPT TO:<b@example.net>", "503");
            assertEquals("421 4.7.0 relay.test Error: too many errors\r\n", c.send("NOOP"));
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void answersAnOverLongCommandLineAndCarriesOn() throws Exception {
        try (SmtpClient c = connect("127.0.0.1")) {
            c.expect("NOOP " + "x".repeat(3000), "500 5.5.6 Error: command line too long");
            c.write("NOOP " + "y".repeat(3000)); // the line arrives in parts: answered once it is too long
            c.expectReply("500 5.5.6");
            c.write("z".repeat(5000));
            c.write("zz\r\nNOOP\r\n").expectReply("250 2.0.0 Ok");
            c.expect("NOOP " + "x".repeat(2043), "250 2.0.0 Ok"); // exactly 2048 bytes without the CRLF
        }
    }

    @Test
    void aFailingSpoolGets451AndNothingIsClaimed() throws Exception {
        spoolFails = true;
        try (SmtpClient c = connect("127.0.0.1")) {
            c.expect("HELO x", "250").expect("MAIL FROM:<a@example.org>", "250").expect("RCPT TO:<b@example.net>", "250")
                    .expect("DATA", "354");
            String reply = c.write("body\r\n").send(".");
            assertEquals("451 4.3.0 Error: queue file write error; try again later\r\n", reply);
            spoolFails = false;
            c.expect("MAIL FROM:<a@example.org>", "250").expect("RCPT TO:<b@example.net>", "250").expect("DATA", "354");
            c.write("again\r\n").expect(".", "250 2.0.0 Ok: queued as Q1");
        }
        assertEquals(1, stored.size());
    }

    @Test
    void aBugGivesThePeerA421AndNoStackTrace() throws Exception {
        MessageSink broken = (envelope, message) -> null; // a sink that breaks its contract
        SmtpServer s = await(new SmtpServer(vertx, TestSettings.smtp(), policy, broken).start());
        servers.add(s);
        try (SmtpClient c = connect("127.0.0.1", s)) {
            c.expect("HELO x", "250").expect("MAIL FROM:<a@example.org>", "250").expect("RCPT TO:<b@example.net>", "250")
                    .expect("DATA", "354");
            assertEquals("421 4.3.0 relay.test Error: internal error; closing\r\n", c.write("body\r\n.\r\n").readToEnd());
        }
    }

    @Test
    void startTlsThenEhloAgain() throws Exception {
        SmtpServer secure = startWithTls();
        try (SmtpClient c = connect("127.0.0.1", secure)) {
            assertTrue(c.send("EHLO x").endsWith("250 STARTTLS\r\n"));
            c.expect("MAIL FROM:<a@example.org>", "250").expect("STARTTLS", "503 5.5.1 Error: MAIL transaction in progress")
                    .expect("RSET", "250");
            c.expect("STARTTLS", "220 2.0.0 Ready to start TLS");
            c.startTls();
            c.expect("MAIL FROM:<a@example.org>", "503 5.5.1 Error: send HELO/EHLO first");
            String ehlo = c.send("EHLO x");
            assertTrue(ehlo.endsWith("250 ENHANCEDSTATUSCODES\r\n") && !ehlo.contains("STARTTLS"), ehlo);
            c.expect("STARTTLS", "554 5.5.1").expect("MAIL FROM:<a@example.org>", "250").expect("RCPT TO:<b@example.net>", "250")
                    .expect("DATA", "354").write("secret\r\n").expect(".", "250 2.0.0 Ok: queued as Q1").expect("QUIT", "221");
        }
        assertEquals("ESMTPS", stored.get(0).envelope().protocol());
        assertTrue(stored.get(0).message().contains("with ESMTPS id"));
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsIgnored() throws Exception {
        SmtpServer secure = startWithTls();
        try (SmtpClient c = connect("127.0.0.1", secure)) {
            c.expect("EHLO x", "250-");
            // CVE-2011-0411: a man in the middle appends commands to the client's STARTTLS.
            c.write("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.net>\r\n");
            c.expectReply("220 2.0.0");
            c.startTls();
            c.expect("EHLO x", "250-").expect("RCPT TO:<b@example.net>", "503 5.5.1 Error: need MAIL command");
        }
        assertTrue(asked.isEmpty(), "the injected RCPT reached the policy");
    }

    @Test
    void plaintextSentAfterStartTlsBreaksTheHandshakeInsteadOfBeingObeyed() throws Exception {
        SmtpServer secure = startWithTls();
        try (SmtpClient c = connect("127.0.0.1", secure)) {
            c.expect("EHLO x", "250-").expect("STARTTLS", "220 2.0.0");
            // The TLS handler is in place before the 220 leaves: these bytes can only be a broken handshake.
            c.write("MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.net>\r\n");
            assertThrows(IOException.class, c::startTls);
        }
        assertTrue(asked.isEmpty());
    }

    @Test
    void noStartTlsWithoutACertificate() throws Exception {
        try (SmtpClient c = connect("127.0.0.1")) {
            assertTrue(!c.send("EHLO x").contains("STARTTLS"));
            c.expect("STARTTLS", "502 5.5.1");
        }
    }

    @Test
    void aMissingKeyFailsTheStart() {
        Exception e = assertThrows(Exception.class, () -> start(Map.of("tls-cert", cert, "tls-key", certDir.resolve("nope.pem").toString())));
        assertTrue(String.valueOf(e.getMessage()).contains("smtp.tls-cert/smtp.tls-key"), e.toString());
    }

    @Test
    void swaksDeliversWithStartTls() throws Exception {
        SmtpServer secure = startWithTls();
        Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + secure.actualPort(), "--tls", "--helo", "swaks.test",
                "--from", "swaks@example.org", "--to", "b@example.net", "--header", "Subject: from swaks", "--body", "hello\n.dot")
                .redirectErrorStream(true).start();
        String transcript = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), transcript);
        assertEquals(0, p.exitValue(), transcript);
        assertTrue(transcript.contains("<~  250 2.0.0 Ok: queued as Q1"), transcript);
        Stored s = stored.get(0);
        assertEquals("swaks@example.org", s.envelope().sender());
        assertEquals("ESMTPS", s.envelope().protocol());
        assertTrue(s.message().contains("\r\nSubject: from swaks\r\n") && s.message().contains("\r\n\r\nhello\r\n.dot\r\n"),
                s.message());
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> type) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }
}
