package org.relaygate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar: {@code serve} as one process, CLI commands as separate processes on the same
 * registry while it runs, and the answers checked over a real policy socket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeIT {

    private static final Pattern LISTENING = Pattern.compile("policy server listening on 127\\.0\\.0\\.1:(\\d+)");
    /** The issue's promise: a change is seen by the running server within 2 s. */
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static String db;
    static Process serve;
    static Path serveErr;
    static int port;

    @BeforeAll
    static void startServe() throws Exception {
        db = dir.resolve("data").toString();
        // stderr to a file, not a pipe: Process.destroy() closes our end of the pipes, and the
        // shutdown lines written after SIGTERM would be lost.
        serveErr = dir.resolve("serve.err");
        serve = Jar.builder(List.of("serve", "--db", db, "--policy-listen", "127.0.0.1:0"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(serveErr.toFile())
                .start();
        serve.getOutputStream().close();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (port == 0) {
            Matcher m = LISTENING.matcher(serveLog());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            } else if (!serve.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("serve did not report its port:\n" + serveLog());
            } else {
                Thread.sleep(50);
            }
        }
    }

    static String serveLog() throws IOException {
        return Files.readString(serveErr, StandardCharsets.UTF_8);
    }

    static boolean logged(Predicate<String> line) throws IOException {
        return serveLog().lines().anyMatch(line);
    }

    @AfterAll
    static void killServe() throws InterruptedException {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Jar.Result cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--db", db));
        return Jar.run(all);
    }

    static String ok(String... args) throws Exception {
        Jar.Result r = cli(args);
        assertEquals(0, r.code(), () -> Arrays.toString(args) + " failed: " + r.err());
        // Vert.x and H2 INFO logs stay off a one-shot command's stderr.
        assertEquals("", r.err(), () -> Arrays.toString(args) + " wrote to stderr");
        return r.out();
    }

    /** One policy request over a fresh connection; the reply's action line. */
    static String ask(String client) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=" + client
                    + "\nsender=a@example.org\nrecipient=b@example.net\n\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Reader reader = new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII);
            BufferedReader in = new BufferedReader(reader);
            String action = in.readLine();
            assertEquals("", in.readLine(), "a reply is one action line and an empty line");
            return action;
        }
    }

    /** Polls the server until its answer for the client matches, failing after the promised 2 s. */
    static String awaitAnswer(String client, Predicate<String> expected, String what) throws Exception {
        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        String last;
        do {
            last = ask(client);
            if (expected.test(last)) {
                return last;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("within " + PROPAGATION.toSeconds() + " s the server should answer " + what + " for " + client
                + ", last answer: " + last);
    }

    @Test
    @Order(1)
    void servesDecisionsAndWarnsWithoutInstitutionNetworks() throws Exception {
        assertTrue(ask("192.0.2.10").startsWith("action=REJECT 5.7.1 Client 192.0.2.10 is not registered for relay"));
        assertTrue(logged(l -> l.contains("WARN") && l.contains("no institution network")), serveLog());
    }

    @Test
    @Order(2)
    void h2AutoServerListensOnLoopbackOnly() throws Exception {
        // A CLI process next to serve makes serve's H2 open its auto-server.
        ok("networks", "add", "192.0.2.0/24", "--description", "test campus");
        Properties lock = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(db, "registry.lock.db"), StandardCharsets.ISO_8859_1)) {
            lock.load(r);
        }
        String server = lock.getProperty("server", "");
        // H2 writes a loopback bind address as "localhost"; bound to all interfaces it would name the host's address.
        assertTrue(server.startsWith("127.0.0.1:") || server.startsWith("localhost:"), "H2 auto-server in registry.lock.db: " + server);

        List<InetSocketAddress> listeners = Listeners.of(serve.pid());
        assertTrue(listeners.stream().anyMatch(a -> a.getPort() == port), "the policy port is among " + listeners);
        assertTrue(listeners.stream().anyMatch(a -> server.endsWith(":" + a.getPort())), "the H2 port is among " + listeners);
        for (InetSocketAddress a : listeners) {
            assertTrue(a.getAddress().isLoopbackAddress(), "serve listens on a non-loopback address: " + a + " (all: " + listeners + ")");
        }
    }

    @Test
    @Order(3)
    void registerAndApproveFromAnotherProcessReachTheServerWithin2s() throws Exception {
        String out = ok("register", "--unit", "Physics", "--contact", "physics-it@example.edu", "--device", "copier",
                "--reason", "no SMTP AUTH", "--signed-by", "Dr. Head", "--ip", "192.0.2.10");
        assertTrue(out.matches("\\d+\n"), "register prints the id alone: " + out);
        String id = out.strip();
        awaitAnswer("192.0.2.10", a -> a.startsWith("action=REJECT 5.7.1 Relay registration #" + id), "pending");

        ok("approve", id);
        awaitAnswer("192.0.2.10", "action=OK"::equals, "OK");
        assertTrue(ok("check", "192.0.2.10").startsWith("action=OK\n"));
    }

    @Test
    @Order(4)
    void blockAndUnblockTakeEffectWithin2s() throws Exception {
        ok("block", "192.0.2.10", "--reason", "compromised", "--until", "1d");
        awaitAnswer("192.0.2.10", a -> a.startsWith("action=REJECT 5.7.1 Relay access for 192.0.2.10 is blocked by the postmaster: compromised"),
                "blocked");
        ok("unblock", "192.0.2.10");
        awaitAnswer("192.0.2.10", "action=OK"::equals, "OK again");
    }

    @Test
    @Order(5)
    void plainSqlUpdateTakesEffectWithin2s() throws Exception {
        String out = ok("sql", "UPDATE registrations SET status = 'SUSPENDED', status_reason = 'by hand' WHERE unit = 'Physics'");
        assertEquals("1 rows affected\n", out);
        awaitAnswer("192.0.2.10", a -> a.startsWith("action=REJECT 5.7.1 Relay registration") && a.contains("suspended: by hand"),
                "suspended");
        String audit = ok("audit", "--limit", "1");
        assertTrue(audit.lines().skip(1).findFirst().orElse("").matches("\\d+ +\\S+ +\\S+ +sql +UPDATE +registrations .*"), audit);
    }

    @Test
    @Order(6)
    void refusalFromAnotherProcessIsOneLineAndChangesNothing() throws Exception {
        Jar.Result r = cli("register", "--unit", "X", "--contact", "x@example.edu", "--device", "d", "--reason", "r",
                "--signed-by", "s", "--ip", "198.51.100.1");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(List.of("relaygate: 198.51.100.1 is outside the institution networks (see: relaygate networks list)"),
                r.err().lines().toList());
        assertTrue(ask("198.51.100.1").contains("not registered"));
    }

    @Test
    @Order(100)
    void sigtermStopsCleanly() throws Exception {
        assertTrue(serve.isAlive(), "serve still runs");
        serve.destroy();
        assertTrue(serve.waitFor(15, TimeUnit.SECONDS), "serve must exit within 15 s of SIGTERM");
        assertTrue(logged(l -> l.contains("relaygate stopped")), "exit " + serve.exitValue() + ", log:\n" + serveLog());
        assertFalse(logged(l -> l.contains("Exception") || l.startsWith("\tat ")), serveLog());
        // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
        assertEquals(143, serve.exitValue());
    }
}
