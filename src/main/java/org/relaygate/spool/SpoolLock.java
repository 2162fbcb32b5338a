package org.relaygate.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spool's {@code lock} file, locked ({@code FileChannel.tryLock}, an OS lock that dies with the
 * process, so kill -9 leaves no stale lock) by whoever changes the spool: the running server for
 * its lifetime, or a {@code queue} command acting while no server runs. The holder's pid is written
 * into the file for the postmaster; the lock, not the pid, is what counts.
 *
 * <p>POSIX record locks belong to the process, and closing ANY descriptor of the file drops them
 * all: so a second attempt from this same JVM (tests run server and CLI side by side) must not even
 * open the file. {@link #HELD} answers it instead.
 */
final class SpoolLock implements AutoCloseable {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private SpoolLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null when another process (or another spool in this JVM) holds it. */
    static SpoolLock tryAcquire(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            return null;
        }
        try {
            SpoolLock lock = lock(key);
            if (lock == null) {
                HELD.remove(key);
            }
            return lock;
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static SpoolLock lock(Path lockFile) throws IOException {
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another channel of this JVM: tests running server and CLI side by side
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new SpoolLock(lockFile, ch, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(key);
            }
        }
    }
}
