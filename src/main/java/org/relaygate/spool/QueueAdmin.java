package org.relaygate.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.relaygate.policy.Text;

/**
 * The {@code queue} CLI commands' view of a spool directory, blocking (the CLI has no event loop).
 * Works whether or not {@code serve} runs. {@code list} and {@code show} read the files directly
 * (they are only ever replaced atomically). {@code retry} and {@code delete} change a message, which
 * only one process may do: when a server holds the spool lock they are sent to it as a request in
 * {@code control/} (see {@link ControlFiles}) and this waits up to {@link #DEFAULT_WAIT} for its
 * answer; otherwise they act on the files directly, holding the lock meanwhile.
 *
 * <p>Errors: an unknown queue id is an {@link IllegalArgumentException}, an unreadable spool an
 * {@link UncheckedIOException}, a server that does not answer an {@link IllegalStateException};
 * each with a one-line message.
 */
public final class QueueAdmin {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    /** One line of {@code queue list}. {@code nextAttempt} is null and {@code lastError} "" when unknown. */
    public record Summary(String id, Instant receivedAt, String sender, int pendingRecipients,
                          int recipients, long size, Instant nextAttempt, String lastError) {
    }

    private final SpoolLayout layout;
    private final Duration wait;

    public QueueAdmin(Path spoolDir) {
        this(spoolDir, DEFAULT_WAIT);
    }

    /** With another bound on waiting for the running server's answer. */
    public QueueAdmin(Path spoolDir, Duration wait) {
        this.layout = new SpoolLayout(spoolDir.toAbsolutePath());
        this.wait = wait;
    }

    /** The queued messages, oldest first (none when the spool does not exist yet). */
    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        for (String id : io(layout::ids)) {
            QueuedMessage m = readQuietly(id);
            if (m != null) {
                out.add(new Summary(id, m.envelope().receivedAt(), m.envelope().sender(), m.pendingCount(),
                        m.recipients().size(), m.size(), m.nextAttempt(), m.lastError()));
            }
        }
        return out;
    }

    /** A damaged message is left to the server's recovery (which sets it aside), not shown. */
    private QueuedMessage readQuietly(String id) {
        try {
            return layout.read(id);
        } catch (IOException e) {
            return null;
        }
    }

    /** Envelope, per-recipient status and the message's headers, as text for {@code queue show}. */
    public String show(String id) {
        QueuedMessage m = io(() -> layout.read(checkedId(id)));
        if (m == null) {
            throw unknown(id);
        }
        byte[] message = io(() -> {
            try {
                return layout.readMessage(id);
            } catch (java.nio.file.NoSuchFileException gone) {
                throw unknown(id); // finished between the two reads
            }
        });
        return QueueText.show(m, message);
    }

    /** Deliver now: one message, or all when id is null; the number of messages affected. */
    public int retry(String id) {
        String target = id == null ? "*" : checkedId(id);
        return change("retry", target, spool -> id == null ? retryAll(spool) : retryOne(spool, id));
    }

    /** Removes a message without delivering or bouncing it. */
    public void delete(String id) {
        String target = checkedId(id);
        change("delete", target, spool -> {
            if (!spool.remove(target)) {
                throw unknown(target);
            }
            return 1;
        });
    }

    private static int retryOne(Spool spool, String id) throws IOException {
        QueuedMessage m = spool.read(id);
        if (m == null) {
            throw unknown(id);
        }
        spool.writeState(m.dueAt(Instant.now()));
        return 1;
    }

    private static int retryAll(Spool spool) throws IOException {
        int n = 0;
        for (QueuedMessage m : spool.recover()) {
            spool.writeState(m.dueAt(Instant.now()));
            n++;
        }
        return n;
    }

    private interface Direct {
        int apply(Spool spool) throws IOException;
    }

    /** Directly while no server runs (holding the lock), else through the server. */
    private int change(String verb, String target, Direct direct) {
        if (!Files.isDirectory(layout.queue())) {
            if (target.equals("*")) {
                return 0;
            }
            throw unknown(target);
        }
        try (Spool spool = Spool.open(layout.dir())) {
            return direct.apply(spool);
        } catch (Spool.BusyException busy) {
            return viaServer(verb, target);
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + layout.dir() + ": " + e.getMessage(), e);
        }
    }

    private int viaServer(String verb, String target) {
        String answer;
        try {
            answer = ControlFiles.ask(layout.control(), verb, target, wait);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + layout.dir() + ": " + e.getMessage(), e);
        }
        if (answer.startsWith("ok ")) {
            return Integer.parseInt(answer.substring(3).strip());
        }
        String why = answer.startsWith("error ") ? answer.substring(6) : answer;
        if (why.startsWith("unknown queue id")) {
            throw new IllegalArgumentException(why);
        }
        throw new IllegalStateException("the running server refused: " + why);
    }

    private static String checkedId(String id) {
        if (!QueueIds.isValid(id)) {
            throw unknown(id);
        }
        return id;
    }

    /** The one message for an id that is not queued, here and from the server. */
    public static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("unknown queue id " + Text.quote(id));
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private <T> T io(Read<T> read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + layout.dir() + ": " + e.getMessage(), e);
        }
    }
}
