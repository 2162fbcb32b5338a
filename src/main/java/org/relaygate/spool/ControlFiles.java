package org.relaygate.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@code queue} command asks the running server to change the queue, so that only one
 * process ever changes a queued message: the command writes {@code control/NAME.req} (one line,
 * {@code retry ID}, {@code retry *} or {@code delete ID}, renamed into place so it is never read
 * half-written); the server takes requests on its queue-scan tick, acts, and writes
 * {@code control/NAME.ack} (one line, {@code ok N} or {@code error TEXT}), which the command reads
 * and removes. Answers nobody collected are swept after a while.
 */
public final class ControlFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ControlFiles.class);
    private static final String REQ = ".req";
    private static final String ACK = ".ack";
    private static final long POLL_MILLIS = 20;

    /** A request taken by the server: {@code verb} is retry or delete, {@code id} a queue id or "*". */
    public record Request(String name, String verb, String id) {
    }

    private ControlFiles() {
    }

    /** Client side: writes a request and waits for the answer line. */
    static String ask(Path control, String verb, String id, Duration wait) throws IOException, TimeoutException {
        String name = UUID.randomUUID().toString();
        Path req = control.resolve(name + REQ);
        SpoolFiles.writeAtomically(control.resolve(name + ".tmp"), req,
                (verb + " " + id + "\n").getBytes(StandardCharsets.US_ASCII));
        Path ack = control.resolve(name + ACK);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] answer = SpoolFiles.readOrNull(ack);
            if (answer != null) {
                Files.deleteIfExists(ack);
                return new String(answer, StandardCharsets.UTF_8).strip();
            }
            sleep();
        }
        if (Files.deleteIfExists(req)) {
            throw new TimeoutException("the running server did not pick up the request within "
                    + shown(wait) + "; nothing was changed");
        }
        throw new TimeoutException("the running server took the request but did not answer within "
                + shown(wait) + "; it may still carry it out");
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the server");
        }
    }

    /** Server side: the pending requests, oldest first, each removed as it is taken. Garbage is answered at once. */
    public static List<Request> take(Path control) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(control, "*" + REQ)) {
            stream.forEach(files::add);
        }
        files.sort((a, b) -> lastModified(a).compareTo(lastModified(b)));
        List<Request> out = new ArrayList<>();
        for (Path f : files) {
            String fileName = f.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - REQ.length());
            byte[] bytes = SpoolFiles.readOrNull(f);
            Files.deleteIfExists(f);
            Request r = bytes == null ? null : parse(name, new String(bytes, StandardCharsets.UTF_8).strip());
            if (r != null) {
                out.add(r);
            } else if (bytes != null) {
                answer(control, name, "error unreadable request");
            }
        }
        return out;
    }

    private static FileTime lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static Request parse(String name, String line) {
        String[] words = line.split(" ");
        if (words.length != 2 || !(words[1].equals("*") || QueueIds.isValid(words[1]))) {
            return null;
        }
        boolean retry = words[0].equals("retry");
        if (!retry && !(words[0].equals("delete") && !words[1].equals("*"))) {
            return null;
        }
        return new Request(name, words[0], words[1]);
    }

    /** Server side: the answer to a request, written atomically. */
    public static void answer(Path control, String name, String line) throws IOException {
        SpoolFiles.writeAtomically(control.resolve(name + ".ack.tmp"), control.resolve(name + ACK),
                (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Server side: removes answers and scratch files older than {@code maxAge} (their command gave up). */
    public static void sweep(Path control, Duration maxAge) throws IOException {
        Instant limit = Instant.now().minus(maxAge);
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(control, "*.{ack,tmp}")) {
            for (Path f : stream) {
                if (lastModified(f).toInstant().isBefore(limit)) {
                    Files.deleteIfExists(f);
                    LOG.debug("spool: removed stale {}", f.getFileName());
                }
            }
        }
    }
}
