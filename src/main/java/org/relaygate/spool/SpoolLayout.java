package org.relaygate.spool;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paths of a spool directory (described in {@link Spool}) and the reads that need no lock:
 * files in {@code queue/} only ever appear or are replaced by an atomic rename, so a reader sees a
 * whole file or none. Used by the server and by {@code queue list/show} in another process.
 */
record SpoolLayout(Path dir) {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolLayout.class);

    static final String MSG = ".msg";
    static final String STATE = ".state";

    Path queue() {
        return dir.resolve("queue");
    }

    Path tmp() {
        return dir.resolve("tmp");
    }

    Path control() {
        return dir.resolve("control");
    }

    Path corrupt() {
        return dir.resolve("corrupt");
    }

    Path lockFile() {
        return dir.resolve("lock");
    }

    Path messageFile(String id) {
        return queue().resolve(id + MSG);
    }

    Path stateFile(String id) {
        return queue().resolve(id + STATE);
    }

    /** The ids of the queued messages, oldest first; none when the spool was never created. */
    List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue(), "*" + MSG)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - MSG.length());
                if (QueueIds.isValid(id)) {
                    ids.add(id);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Collections.sort(ids);
        return ids;
    }

    /**
     * One message with its recipients' state, or null when it is not (or no longer) queued.
     * IOException when its file is damaged; a damaged state file reads as "all pending", because
     * delivering twice is better than never.
     */
    QueuedMessage read(String id) throws IOException {
        MessageCodec.Header header;
        long length;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile(id)), 8192)) {
            header = MessageCodec.parse(in);
            length = Files.size(messageFile(id));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!header.id().equals(id) || length != header.headerLength() + header.size()) {
            throw new IOException(id + MSG + ": id or size does not match the file");
        }
        QueuedMessage fresh = QueuedMessage.fresh(id, header.envelope(), header.size());
        byte[] state = SpoolFiles.readOrNull(stateFile(id));
        if (state == null) {
            return fresh;
        }
        try {
            return fresh.withRecipients(StateCodec.decode(state, header.envelope().recipients()));
        } catch (IOException e) {
            LOG.warn("{}{} is damaged ({}): every recipient counts as pending", id, STATE, e.getMessage());
            return fresh;
        }
    }

    /** The stored message bytes (after the header). */
    byte[] readMessage(String id) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile(id)), 65536)) {
            MessageCodec.Header header = MessageCodec.parse(in);
            if (header.size() > Integer.MAX_VALUE - 64) {
                throw new IOException(id + MSG + ": message too large to deliver");
            }
            byte[] body = in.readNBytes((int) header.size());
            if (body.length != header.size()) {
                throw new IOException(id + MSG + ": shorter than its header says");
            }
            return body;
        }
    }
}
