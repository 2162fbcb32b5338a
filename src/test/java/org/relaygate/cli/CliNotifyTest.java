package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notify} and the notices of {@code approve}, {@code suspend} and {@code block}, in-process
 * against a real registry file: the CLI only queues outbox rows (serve sends them).
 */
class CliNotifyTest {

    @TempDir
    static Path dir;
    static String db;
    static Path body;

    @BeforeAll
    static void seed() throws IOException {
        db = dir.resolve("data").toString();
        body = dir.resolve("body.txt");
        Files.writeString(body, "The relay moves on Sunday.\nNothing changes for you.\n", StandardCharsets.UTF_8);
    }

    static long register(String contact, String ip) {
        String out = CliRun.on(db, "register", "--unit", "Physics", "--contact", contact, "--device", "copier",
                "--reason", "no SMTP AUTH", "--signed-by", "Dr. Head", "--ip", ip).ok();
        return Long.parseLong(out.strip());
    }

    static String outbox(String where) {
        return CliRun.on(db, "sql", "SELECT kind, recipient, status FROM outbox WHERE " + where + " ORDER BY id").ok();
    }

    @Test
    void approveSuspendAndBlockQueueNoticesThatTheCliDoesNotSend() {
        long id = register("cli-notices@example.edu", "192.0.2.40");
        CliRun.on(db, "approve", String.valueOf(id)).ok();
        CliRun.on(db, "suspend", String.valueOf(id), "--reason", "spam").ok();
        CliRun.on(db, "block", "192.0.2.40", "--reason", "worm").ok();
        String rows = outbox("registration_id = " + id);
        assertEquals(List.of("CONFIRMATION cli-notices@example.edu PENDING", "SUSPENSION cli-notices@example.edu PENDING",
                "BLOCK cli-notices@example.edu PENDING"), rows.lines().skip(1).filter(l -> !l.startsWith("("))
                .map(l -> l.strip().replaceAll(" +", " ")).toList(), rows);
    }

    @Test
    void notifyQueuesOnePerDistinctContactAndSaysHowMany() {
        long a = register("dept-a@example.edu", "192.0.2.50");
        long b = register("DEPT-A@example.edu", "192.0.2.51");
        long c = register("dept-c@example.edu", "192.0.2.52");
        long pending = register("dept-p@example.edu", "192.0.2.53");
        for (long id : List.of(a, b, c)) {
            CliRun.on(db, "approve", String.valueOf(id)).ok();
        }
        String out = CliRun.on(db, "notify", "--subject", "Relay move", "--body-file", body.toString(), "--actor", "dana").ok();
        String rows = outbox("kind = 'NOTICE' AND subject = 'Relay move'");
        long queued = rows.lines().filter(l -> l.contains("NOTICE")).count();
        assertEquals("queued " + queued + " messages to the distinct contacts of ACTIVE registrations; serve sends them\n", out);
        assertEquals(1, rows.lines().filter(l -> l.toLowerCase().contains("dept-a@example.edu")).count(), rows);
        assertEquals(1, rows.lines().filter(l -> l.contains("dept-c@example.edu")).count(), rows);
        assertEquals(0, rows.lines().filter(l -> l.contains("dept-p@example.edu")).count(), rows);
        String audit = CliRun.on(db, "audit", "--limit", "1").ok();
        assertTrue(audit.contains(" dana ") && audit.contains("notify: status=ACTIVE, messages=" + queued)
                && audit.contains("subject=Relay move, body=The relay moves on Sunday. Nothing changes for you."), audit);

        assertEquals("queued 1 message to the distinct contacts of PENDING registrations; serve sends them\n",
                CliRun.on(db, "notify", "--subject", "Pending", "--body-file", body.toString(), "--status", "pending").ok());
        assertTrue(outbox("subject = 'Pending'").contains("dept-p@example.edu"));
        assertEquals("no REVOKED registration: nothing queued\n",
                CliRun.on(db, "notify", "--subject", "x", "--body-file", body.toString(), "--status", "REVOKED").ok());
    }

    @Test
    void refusalsAreOneLineAndQueueNothing() throws IOException {
        String count = CliRun.on(db, "sql", "SELECT COUNT(*) FROM outbox").ok();
        CliRun.on(db, "notify", "--subject", "s", "--body-file", dir.resolve("missing.txt").toString())
                .refused("--body-file " + dir.resolve("missing.txt") + ": no such file");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'G', 'r', (byte) 0xfc, '\n'});
        CliRun.on(db, "notify", "--subject", "s", "--body-file", latin1.toString()).refused("not UTF-8 text");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n");
        CliRun.on(db, "notify", "--subject", "s", "--body-file", empty.toString()).refused("the message body is empty");
        CliRun.on(db, "notify", "--subject", " ", "--body-file", body.toString()).refused("subject is required");
        CliRun.on(db, "notify", "--subject", "s", "--body-file", body.toString(), "--status", "GONE").refused("--status");
        CliRun.on(db, "notify", "--body-file", body.toString()).refused("--subject");
        assertEquals(count, CliRun.on(db, "sql", "SELECT COUNT(*) FROM outbox").ok());
    }
}
