package org.relaygate.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code queue list/show/retry/delete} with no server running: they act on the files, holding the
 * lock. (With a running RelayQueue: {@code org.relaygate.delivery.QueueAdminWithServerTest}.)
 */
class QueueAdminTest {

    private static final byte[] MESSAGE = "Subject: report\r\nFrom: scanner@example.org\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Instant LATER = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private List<String> queue(int messages) throws IOException {
        try (Spool spool = Spool.open(dir)) {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < messages; i++) {
                QueuedMessage m = spool.store(SpoolTest.envelope("a@example.net", "b@example.net"), MESSAGE);
                spool.writeState(m.withRecipients(List.of(
                        new RecipientState("a@example.net", RecipientState.Status.DELIVERED, 1, null, "127.0.0.1:2525", "250 2.0.0 Ok"),
                        new RecipientState("b@example.net", RecipientState.Status.PENDING, 1, LATER, "127.0.0.1:2525",
                                "451 4.3.0 mailbox busy"))));
                ids.add(m.id());
            }
            return ids;
        }
    }

    @Test
    void listsWhatIsQueued() throws IOException {
        List<String> ids = queue(2);
        List<QueueAdmin.Summary> list = new QueueAdmin(dir).list();
        assertEquals(ids, list.stream().map(QueueAdmin.Summary::id).toList());
        QueueAdmin.Summary s = list.get(0);
        assertEquals(new QueueAdmin.Summary(ids.get(0), Instant.parse("2024-06-01T12:00:00Z"), "dev@example.org", 1, 2,
                MESSAGE.length, LATER, "451 4.3.0 mailbox busy"), s);
    }

    @Test
    void anAbsentSpoolListsNothing() {
        assertEquals(List.of(), new QueueAdmin(dir.resolve("none")).list());
        assertEquals(0, new QueueAdmin(dir.resolve("none")).retry(null));
    }

    @Test
    void showsEnvelopeRecipientsAndHeaders() throws IOException {
        String id = queue(1).get(0);
        String text = new QueueAdmin(dir).show(id);
        assertTrue(text.startsWith("id: " + id + "\nreceived: 2024-06-01T12:00:00Z\nclient: 192.0.2.7 (helo printer)\n"), text);
        assertTrue(text.contains("sender: <dev@example.org>\n"), text);
        assertTrue(text.contains("  delivered <a@example.net> attempts=1 relay=127.0.0.1:2525 (250 2.0.0 Ok)\n"), text);
        assertTrue(text.contains("  pending <b@example.net> attempts=1 next=2099-01-01T00:00:00Z relay=127.0.0.1:2525 (451 4.3.0 mailbox busy)\n"), text);
        assertTrue(text.endsWith("headers:\n  Subject: report\n  From: scanner@example.org\n"), text);
    }

    @Test
    void retryMakesPendingRecipientsDueNow() throws IOException {
        List<String> ids = queue(2);
        Instant before = Instant.now();
        assertEquals(1, new QueueAdmin(dir).retry(ids.get(1)));
        assertEquals(LATER, new QueueAdmin(dir).list().get(0).nextAttempt());
        assertTrue(!new QueueAdmin(dir).list().get(1).nextAttempt().isBefore(before));
        assertTrue(new QueueAdmin(dir).list().get(1).nextAttempt().isBefore(LATER));
        assertEquals(2, new QueueAdmin(dir).retry(null));
        assertTrue(new QueueAdmin(dir).list().stream().allMatch(s -> s.nextAttempt().isBefore(LATER)));
    }

    @Test
    void deleteRemovesTheFiles() throws IOException {
        List<String> ids = queue(2);
        new QueueAdmin(dir).delete(ids.get(0));
        assertEquals(List.of(ids.get(1)), new QueueAdmin(dir).list().stream().map(QueueAdmin.Summary::id).toList());
        assertTrue(Files.notExists(dir.resolve("queue").resolve(ids.get(0) + ".state")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000000000000001", "../../etc/passwd", "", "0190a1b2c3d40000"})
    void anUnknownIdIsOneClearLine(String id) throws IOException {
        queue(1);
        QueueAdmin admin = new QueueAdmin(dir);
        for (Runnable r : List.<Runnable>of(() -> admin.show(id), () -> admin.retry(id), () -> admin.delete(id))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertEquals("unknown queue id \"" + id + "\"", e.getMessage());
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsReportedWithoutChangingAnything() throws IOException {
        String id = queue(1).get(0);
        try (Spool held = Spool.open(dir)) { // a "server" holding the lock but not reading control/
            QueueAdmin admin = new QueueAdmin(dir, Duration.ofMillis(200));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> admin.delete(id));
            assertEquals("the running server did not pick up the request within 200 ms; nothing was changed", e.getMessage());
            assertTrue(held.read(id) != null);
        }
        try (Stream<Path> left = Files.list(dir.resolve("control"))) {
            assertEquals(0, left.count(), "the unanswered request was withdrawn");
        }
    }
}
