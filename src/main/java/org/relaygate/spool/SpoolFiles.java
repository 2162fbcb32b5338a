package org.relaygate.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way anything is written into the spool: a new file in a scratch directory, forced to
 * disk, renamed atomically over its final name, and the directory forced so the rename itself
 * survives a power cut (by the caller's {@link DirectorySync} for the queue, where many renames
 * share one fsync). A reader therefore sees the old file or the new one, never a half.
 */
final class SpoolFiles {

    private SpoolFiles() {
    }

    /** Writes {@code parts} (in order) to {@code target} atomically via {@code scratch}, which is removed on failure. */
    static void writeAtomically(Path scratch, Path target, byte[]... parts) throws IOException {
        writeAndRename(scratch, target, parts);
        forceDirectory(target.getParent());
    }

    /**
     * {@link #writeAtomically} without the directory's fsync: the file's data is durable, its new name
     * not yet. The caller makes the rename durable (a {@link DirectorySync} shared by many renames).
     */
    static void writeAndRename(Path scratch, Path target, byte[]... parts) throws IOException {
        try {
            try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (byte[] part : parts) {
                    ByteBuffer buffer = ByteBuffer.wrap(part);
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                }
                ch.force(true);
            }
            move(scratch, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(scratch);
            throw e;
        }
    }

    /** rename(2): atomic, and replaces {@code target} if it exists. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the spool's directories must be on one file system: " + e.getMessage(), e);
        }
    }

    /** fsync of a directory: makes renames and deletions in it durable (works on Linux and macOS). */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** The whole file, or null when it does not exist (removed by the server meanwhile). */
    static byte[] readOrNull(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
