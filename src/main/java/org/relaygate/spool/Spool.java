package org.relaygate.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.relaygate.smtp.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue: plain blocking file I/O (the server calls it only through
 * {@code executeBlocking}), owned by one process at a time through its lock file.
 *
 * <h2>On-disk format (version 1)</h2>
 * <pre>
 * SPOOL/lock            locked (fcntl, via FileChannel.tryLock) by the process that changes the spool;
 *                       holds its pid for the postmaster. The OS drops the lock when the process dies.
 * SPOOL/tmp/            files being written. Anything found here at start is debris of a crash: deleted.
 * SPOOL/queue/ID.msg    one accepted message; written once, never changed, removed when done.
 * SPOOL/queue/ID.state  per-recipient delivery state; absent until the first attempt.
 * SPOOL/control/        requests of `queue` commands to the running server (REQ.req) and answers (REQ.ack).
 * SPOOL/corrupt/        queue files that could not be read, moved aside for the postmaster; never delivered.
 * </pre>
 * ID is 16 upper-case hex digits (epoch milliseconds and a sequence number): unique, sortable by
 * arrival, safe as a file name.
 *
 * <p>{@code ID.msg} is UTF-8 {@code key: value} lines, then an empty line, then exactly {@code size}
 * bytes of the message as received (CRLF line ends, not dot-stuffed, Received: header included):
 * <pre>
 * relaygate-spool 1
 * id: 0190A1B2C3D40000
 * received: 2024-06-01T12:00:00.123Z
 * client: 192.0.2.7
 * helo: printer-3.example.org
 * protocol: ESMTP
 * sender: scanner@example.org        ("-" for the null sender &lt;&gt;)
 * recipient: alice@example.net       (one line per envelope recipient, in order)
 * size: 12345
 * </pre>
 * Values are escaped: {@code %}, space and control characters as {@code %XX} (UTF-8 bytes), a lone
 * {@code -} means empty. Unknown keys are ignored, so later versions may add some.
 *
 * <p>{@code ID.state} is {@code relaygate-state 1} and then one line per envelope recipient, in
 * envelope order, of six space-separated escaped fields: status ({@code pending}, {@code delivered},
 * {@code bounced}), attempts so far, next attempt (ISO-8601 UTC, {@code -} unless pending), address,
 * last relay tried, last reply or error. Without a state file every recipient is pending and due.
 *
 * <h2>Durability</h2>
 * Every file is written in {@code tmp/}, forced ({@code FileChannel.force(true)}), renamed into
 * {@code queue/} ({@code ATOMIC_MOVE}, i.e. rename(2)) and then the directory is forced. A message is
 * acknowledged (250 to DATA) only after that; the directory fsync is a group commit
 * ({@link DirectorySync}): one fsync, begun after the rename, covers every rename and unlink made by
 * the threads waiting for it, so concurrent sessions share the journal commit instead of queueing for
 * one each; a crash before the rename leaves a file in {@code tmp/}
 * that is deleted at the next start. The state file is replaced the same way after each attempt,
 * rather than appended to a log: a few hundred bytes rewritten per attempt cost about what an
 * append+fsync costs, and reading it needs no replay, no torn-tail handling and no compaction.
 * A crash between the next hop's 250 and the state update delivers that recipient again, which
 * RFC 5321 (6.1) accepts; nothing acknowledged is ever lost. A finished message is removed
 * {@code .msg} first, so a crash half-way leaves an orphan {@code .state}, which recovery deletes.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /** The spool is locked by another process: a second server must not share it. */
    public static final class BusyException extends IOException {
        BusyException(Path dir) {
            super("spool " + dir + " is in use by another relaygate process (its lock file is locked)");
        }
    }

    private final SpoolLayout layout;
    private final SpoolLock lock;
    /** Group commit of queue/'s renames and unlinks: one fsync for the changes of every thread waiting. */
    private final DirectorySync queueSync;
    /** Finished messages unlinked since the last {@link #syncRemovals()}; any fsync of queue/ covers them. */
    private final AtomicBoolean unsyncedRemovals = new AtomicBoolean();
    private final QueueIds ids = new QueueIds();
    /** Operations share it; close() takes it alone, so nothing writes after the lock is released. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    private Spool(SpoolLayout layout, SpoolLock lock, DirectorySync.Forcer forcer) {
        this.layout = layout;
        this.lock = lock;
        this.queueSync = new DirectorySync(layout.queue(), forcer);
    }

    /** Creates the directories as needed, takes the lock and deletes crash debris from {@code tmp/}. */
    public static Spool open(Path dir) throws IOException {
        return open(dir, SpoolFiles::forceDirectory);
    }

    /** With the directory fsync given (tests count, hold and fail it). */
    static Spool open(Path dir, DirectorySync.Forcer forcer) throws IOException {
        SpoolLayout layout = new SpoolLayout(dir.toAbsolutePath());
        Files.createDirectories(layout.queue());
        Files.createDirectories(layout.tmp());
        Files.createDirectories(layout.control());
        SpoolLock lock = SpoolLock.tryAcquire(layout.lockFile());
        if (lock == null) {
            throw new BusyException(dir);
        }
        Spool spool = new Spool(layout, lock, forcer);
        try {
            spool.cleanTmp();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        return spool;
    }

    /** The spool directory. */
    public Path dir() {
        return layout.dir();
    }

    /** Where {@code queue} commands leave requests for the running server. */
    public Path controlDir() {
        return layout.control();
    }

    private void cleanTmp() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.tmp())) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                LOG.warn("spool: removed {} left half-written by a crash (never acknowledged)", f.getFileName());
            }
        }
    }

    /**
     * Reads every queued message: damaged files are moved to {@code corrupt/}, orphan state files
     * and finished messages removed. Oldest first.
     */
    public List<QueuedMessage> recover() throws IOException {
        return guarded(() -> {
            List<QueuedMessage> out = new ArrayList<>();
            for (String id : layout.ids()) {
                ids.notBelow(id);
                QueuedMessage m = readOrSetAside(id);
                if (m != null && m.done()) {
                    removeFiles(id);
                } else if (m != null) {
                    out.add(m);
                }
            }
            removeOrphanStates();
            return out;
        });
    }

    private QueuedMessage readOrSetAside(String id) throws IOException {
        try {
            return layout.read(id);
        } catch (IOException e) {
            LOG.error("spool: {} cannot be read ({}); moved to {}", id, e.getMessage(), layout.corrupt());
            Files.createDirectories(layout.corrupt());
            SpoolFiles.move(layout.messageFile(id), layout.corrupt().resolve(id + SpoolLayout.MSG));
            if (Files.exists(layout.stateFile(id))) {
                SpoolFiles.move(layout.stateFile(id), layout.corrupt().resolve(id + SpoolLayout.STATE));
            }
            return null;
        }
    }

    private void removeOrphanStates() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.queue(), "*" + SpoolLayout.STATE)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - SpoolLayout.STATE.length());
                if (!Files.exists(layout.messageFile(id))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * Stores an accepted message durably; returns it once it is on disk (format above): its data
     * forced, then renamed into {@code queue/}, then the rename forced by a directory fsync that
     * began after it (shared with the other threads storing or removing at the time). When that
     * fsync fails the message is taken out of the queue again (best effort) and the store fails:
     * the client gets 451 and keeps the message.
     */
    public QueuedMessage store(Envelope envelope, byte[] message) throws IOException {
        return guarded(() -> {
            String id = ids.next(System.currentTimeMillis());
            while (Files.exists(layout.messageFile(id))) {
                id = ids.next(System.currentTimeMillis()); // only after a clock step back: belt and braces
            }
            Path file = layout.messageFile(id);
            SpoolFiles.writeAndRename(layout.tmp().resolve(id + SpoolLayout.MSG), file,
                    MessageCodec.header(id, envelope, message.length), message);
            try {
                queueSync.sync();
            } catch (IOException e) {
                unqueue(file, e);
                throw e;
            }
            return QueuedMessage.fresh(id, envelope, message.length);
        });
    }

    /** A 451 must not leave a copy behind that would be delivered besides the client's retry. */
    private static void unqueue(Path file, IOException cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
            LOG.error("spool: {} could not be made durable nor removed; it may be delivered twice", file.getFileName());
        }
    }

    /** One queued message, or null when it is not queued. */
    public QueuedMessage read(String id) throws IOException {
        return guarded(() -> layout.read(id));
    }

    /** The message bytes as stored. */
    public byte[] readMessage(String id) throws IOException {
        return guarded(() -> layout.readMessage(id));
    }

    /** Replaces the message's state file atomically. */
    public void writeState(QueuedMessage m) throws IOException {
        guarded(() -> {
            SpoolFiles.writeAndRename(layout.tmp().resolve(m.id() + SpoolLayout.STATE), layout.stateFile(m.id()),
                    StateCodec.encode(m.recipients()));
            queueSync.sync();
            return null;
        });
    }

    /** Removes a message (deleted by the postmaster), durably before it returns; false when it was not queued. */
    public boolean remove(String id) throws IOException {
        return guarded(() -> removeFiles(id));
    }

    /**
     * Removes a message whose every recipient is delivered or bounced without waiting for a
     * directory fsync: the next one of queue/ (the next store's, or {@link #syncRemovals()} on the
     * queue-scan tick) makes it durable. Until then only a power cut, not a killed process, can
     * bring the message back, and then it is delivered again: what RFC 5321 (6.1) accepts, and
     * what a crash between the next hop's 250 and this removal has always done. Acknowledgements
     * never wait for it, so 250s do not queue behind the delivery's fsyncs.
     */
    public boolean removeFinished(String id) throws IOException {
        return guarded(() -> {
            boolean existed = Files.deleteIfExists(layout.messageFile(id));
            Files.deleteIfExists(layout.stateFile(id));
            unsyncedRemovals.set(true);
            return existed;
        });
    }

    /** Makes the removals of {@link #removeFinished} durable, when there were any since the last call. */
    public void syncRemovals() throws IOException {
        guarded(() -> {
            if (unsyncedRemovals.getAndSet(false)) {
                try {
                    queueSync.sync();
                } catch (IOException e) {
                    unsyncedRemovals.set(true);
                    throw e;
                }
            }
            return null;
        });
    }

    private boolean removeFiles(String id) throws IOException {
        boolean existed = Files.deleteIfExists(layout.messageFile(id));
        Files.deleteIfExists(layout.stateFile(id));
        queueSync.sync();
        return existed;
    }

    /** Releases the lock; waits for operations in progress, refuses later ones. */
    @Override
    public void close() throws IOException {
        closing.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                try {
                    if (unsyncedRemovals.get()) {
                        queueSync.sync();
                    }
                } finally {
                    lock.close();
                }
            }
        } finally {
            closing.writeLock().unlock();
        }
    }

    private interface SpoolOp<T> {
        T run() throws IOException;
    }

    private <T> T guarded(SpoolOp<T> op) throws IOException {
        closing.readLock().lock();
        try {
            if (closed) {
                throw new IOException("spool " + layout.dir() + " is closed");
            }
            return op.run();
        } finally {
            closing.readLock().unlock();
        }
    }
}
