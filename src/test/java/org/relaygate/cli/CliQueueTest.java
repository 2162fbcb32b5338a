package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.Spool;

/**
 * {@code queue list|show|retry|delete} in-process on a real spool directory, seeded as the relay
 * would seed it (Spool.store), with no server running: the commands then work on the files. The
 * same commands against a running serve are exercised by scripts/relay-e2e.
 */
class CliQueueTest {

    private static final byte[] MESSAGE = ("Received: from printer.example.org ([192.0.2.7])\r\n\tby relay; Mon, 1 Jun 2026 12:00:00 +0000\r\n"
            + "From: scanner@example.org\r\nSubject: scan 42\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private Path spool;
    private String first;
    private String second;

    @BeforeEach
    void seed() throws Exception {
        spool = dir.resolve("spool");
        try (Spool s = Spool.open(spool)) {
            first = s.store(envelope("scanner@example.org", "alice@example.net", "bob@example.net"), MESSAGE).id();
            second = s.store(envelope("", "postmaster@example.net"), MESSAGE).id();
        }
    }

    private static Envelope envelope(String sender, String... recipients) {
        return new Envelope("192.0.2.7", "printer.example.org", sender, List.of(recipients),
                Instant.parse("2026-06-01T12:00:00Z"), "ESMTP");
    }

    private CliRun queue(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "queue";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--spool";
        all[args.length + 2] = spool.toString();
        return CliRun.run(all);
    }

    @Test
    void listShowsEveryMessageOldestFirstWithTheNullSenderAsBrackets() {
        List<String> lines = queue("list").ok().lines().toList();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("ID +RECEIVED +SENDER +RCPTS +SIZE +NEXT ATTEMPT +LAST ERROR"), lines.get(0));
        assertTrue(lines.get(1).matches(first + " +2026-06-01T12:00:00Z +scanner@example\\.org +2/2 +" + MESSAGE.length + ".*"), lines.get(1));
        assertTrue(lines.get(2).matches(second + " +2026-06-01T12:00:00Z +<> +1/1 +" + MESSAGE.length + ".*"), lines.get(2));
    }

    @Test
    void showGivesTheEnvelopeEachRecipientAndTheHeaders() {
        String out = queue("show", first).ok();
        assertTrue(out.contains("sender: <scanner@example.org>"), out);
        assertTrue(out.contains("<alice@example.net>") && out.contains("<bob@example.net>"), out);
        assertTrue(out.contains("Subject: scan 42"), out);
        assertTrue(!out.contains("body"), "headers only: " + out);
    }

    @Test
    void retryOneOrAll() {
        assertEquals("retrying " + first + "\n", queue("retry", first).ok());
        assertEquals("retrying 2 messages\n", queue("retry").ok());
    }

    @Test
    void deleteRemovesOneMessage() {
        assertEquals("deleted " + first + "\n", queue("delete", first).ok());
        String list = queue("list").ok();
        assertTrue(!list.contains(first) && list.contains(second), list);
        queue("delete", first).refused("unknown queue id \"" + first + "\"");
    }

    @Test
    void unknownIdsAreOneLineRefusals() {
        queue("show", "0000000000000000").refused("unknown queue id \"0000000000000000\"");
        queue("retry", "../../etc/passwd").refused("unknown queue id");
        queue("delete", "nonsense").refused("unknown queue id \"nonsense\"");
    }

    @Test
    void spoolDirComesFromTheConfigurationWithoutTheFlag() throws Exception {
        Path config = dir.resolve("relaygate.properties");
        Files.writeString(config, "spool.dir=" + spool + "\n");
        String out = CliRun.run("queue", "list", "--config", config.toString()).ok();
        assertEquals(3, out.lines().count(), out);
    }

    @Test
    void anEmptySpoolListsJustTheHeader() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        String out = CliRun.run("queue", "list", "--spool", empty.toString()).ok();
        assertEquals(1, out.lines().count(), out);
        assertEquals("retrying 0 messages\n", CliRun.run("queue", "retry", "--spool", empty.toString()).ok());
    }
}
