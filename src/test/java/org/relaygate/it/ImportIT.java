package org.relaygate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import} as its own process while {@code serve} holds the registry: the CLI reaches the
 * database through serve's H2 auto-server, and serve answers for the imported networks within 2 s.
 */
class ImportIT {

    private static final Pattern LISTENING = Pattern.compile("policy server listening on 127\\.0\\.0\\.1:(\\d+)");
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
        assertEquals(0, cli("networks", "add", "192.0.2.0/24").code());
        serveErr = dir.resolve("serve.err");
        serve = Jar.builder(List.of("serve", "--db", db, "--policy-listen", "127.0.0.1:0"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(serveErr.toFile()).start();
        serve.getOutputStream().close();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (port == 0) {
            Matcher m = LISTENING.matcher(Files.readString(serveErr));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            } else if (!serve.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("serve did not report its port:\n" + Files.readString(serveErr));
            } else {
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopServe() throws InterruptedException {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Jar.Result cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--db", db));
        return Jar.run(all);
    }

    static String ask(String client) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=" + client
                    + "\nsender=a@example.org\nrecipient=b@example.net\n\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void anImportWhileServeRunsIsAnsweredWithin2sAndARefusedOneChangesNothing() throws Exception {
        assertTrue(ask("192.0.2.70").contains("not registered"));
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "unit,contact,device,reason,signed_by,signed_on,status,addresses\n"
                + "U,u@example.edu,d,r,s,,ACTIVE,192.0.2.71\nU,u@example.edu,d,r,s,,ACTIVE,198.51.100.1\n");
        Jar.Result refused = cli("import", bad.toString());
        assertEquals(1, refused.code());
        assertTrue(refused.err().strip().matches("relaygate: .*bad\\.csv line 3: 198\\.51\\.100\\.1 is outside the institution networks.*"),
                refused.err());

        Path good = dir.resolve("good.csv");
        Files.writeString(good, "unit,contact,device,reason,signed_by,signed_on,status,addresses\n"
                + "U,u@example.edu,d,r,s,,ACTIVE,192.0.2.70\nU,u@example.edu,d,r,s,,PENDING,192.0.2.72\n");
        Jar.Result imported = cli("import", good.toString());
        assertEquals(0, imported.code(), imported.err());
        assertEquals("", imported.err());
        assertTrue(imported.out().startsWith("imported 2 registrations"), imported.out());

        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        String answer;
        do {
            answer = ask("192.0.2.70");
        } while (!answer.equals("action=OK") && System.nanoTime() < deadline && sleep());
        assertEquals("action=OK", answer, "serve answers for the imported ACTIVE network within 2 s");
        assertTrue(ask("192.0.2.71").contains("not registered"), "the refused file left nothing behind");
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
