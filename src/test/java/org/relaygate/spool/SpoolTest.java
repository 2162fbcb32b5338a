package org.relaygate.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.smtp.Envelope;

/** The spool on real files: store, recover, state, removal, the lock, and a real kill -9. */
class SpoolTest {

    private static final byte[] MESSAGE = "Received: from x\r\nSubject: hi\r\n\r\n.dot\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static Envelope envelope(String... recipients) {
        return new Envelope("192.0.2.7", "printer", "dev@example.org", List.of(recipients),
                Instant.parse("2024-06-01T12:00:00Z"), "ESMTP");
    }

    @Test
    void storedMessagesAreRecoveredByTheNextOwnerOldestFirst() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Spool spool = Spool.open(dir)) {
            for (int i = 0; i < 3; i++) {
                ids.add(spool.store(envelope("a@example.net", "b@example.net"), MESSAGE).id());
            }
            assertTrue(listing("tmp").isEmpty(), "nothing left in tmp/ after a store");
        }
        try (Spool spool = Spool.open(dir)) {
            List<QueuedMessage> recovered = spool.recover();
            assertEquals(ids, recovered.stream().map(QueuedMessage::id).toList());
            QueuedMessage m = recovered.get(0);
            assertEquals(envelope("a@example.net", "b@example.net"), m.envelope());
            assertEquals(MESSAGE.length, m.size());
            assertEquals(2, m.pendingCount());
            assertArrayEquals(MESSAGE, spool.readMessage(m.id()));
        }
    }

    @Test
    void stateUpdatesAreReadBackAndAFinishedMessageIsRemoved() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueuedMessage m = spool.store(envelope("a@example.net", "b@example.net"), MESSAGE);
            Instant next = Instant.parse("2024-06-01T12:05:00Z");
            QueuedMessage updated = m.withRecipients(List.of(
                    new RecipientState("a@example.net", RecipientState.Status.DELIVERED, 1, null, "127.0.0.1:25", "250 ok"),
                    new RecipientState("b@example.net", RecipientState.Status.PENDING, 1, next, "127.0.0.1:25", "451 later")));
            spool.writeState(updated);
            assertEquals(updated, spool.read(m.id()));
            assertEquals(next, spool.read(m.id()).nextAttempt());
            assertTrue(spool.remove(m.id()));
            assertNull(spool.read(m.id()));
            assertFalse(spool.remove(m.id()));
            assertTrue(listing("queue").isEmpty(), "no .msg or .state left");
        }
    }

    @Test
    void aSecondOwnerIsRefusedUntilTheFirstCloses() throws IOException {
        Spool first = Spool.open(dir);
        Spool.BusyException busy = assertThrows(Spool.BusyException.class, () -> Spool.open(dir));
        assertTrue(busy.getMessage().contains("in use by another relaygate process"), busy.getMessage());
        first.close();
        first.close(); // twice is harmless
        try (Spool second = Spool.open(dir)) {
            assertEquals(List.of(), second.recover());
        }
        assertThrows(IOException.class, () -> first.store(envelope("a@example.net"), MESSAGE), "a closed spool writes nothing");
    }

    @Test
    void damagedFilesAreSetAsideAndOrphanStatesRemovedWithoutBlockingTheRest() throws IOException {
        String good;
        try (Spool spool = Spool.open(dir)) {
            String bad = spool.store(envelope("a@example.net"), MESSAGE).id();
            good = spool.store(envelope("b@example.net"), MESSAGE).id();
            Files.writeString(dir.resolve("queue").resolve(bad + ".msg"), "garbage"); // disk damage, not a crash
            Files.writeString(dir.resolve("queue").resolve("0000000000000001.state"), "relaygate-state 1\n");
            Files.writeString(dir.resolve("queue").resolve(good + ".state"), "half a state"); // damaged: all pending
            List<QueuedMessage> recovered = spool.recover();
            assertEquals(List.of(good), recovered.stream().map(QueuedMessage::id).toList());
            assertEquals(1, recovered.get(0).pendingCount());
            assertEquals(List.of(bad + ".msg"), listing("corrupt"));
            assertFalse(Files.exists(dir.resolve("queue").resolve("0000000000000001.state")));
        }
    }

    @Test
    void killMinusNineLosesNoAcknowledgedMessageAndItsDebrisIsNeverDelivered() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolCrashChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(line != null && line.startsWith("stored "), "child said " + line);
            String id = line.substring("stored ".length());
            assertThrows(Spool.BusyException.class, () -> Spool.open(dir), "the other process holds the lock");
            assertEquals(List.of(id), new QueueAdmin(dir).list().stream().map(QueueAdmin.Summary::id).toList(),
                    "readable while the other process runs");
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing closed
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(List.of("FFFFFFFFFFFF0000.msg"), listing("tmp"));
            try (Spool spool = Spool.open(dir)) {
                assertTrue(listing("tmp").isEmpty(), "the half-written file is gone at the next start");
                List<QueuedMessage> recovered = spool.recover();
                assertEquals(List.of(id), recovered.stream().map(QueuedMessage::id).toList());
                assertEquals("Subject: acknowledged\r\n\r\nbody\r\n",
                        new String(spool.readMessage(id), StandardCharsets.US_ASCII));
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private List<String> listing(String sub) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
