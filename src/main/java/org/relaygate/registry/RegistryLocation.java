package org.relaygate.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the registry lives: {@code config.db()} is either a full {@code jdbc:} URL, used as is, or
 * a directory holding the H2 file {@code registry}, opened with AUTO_SERVER so a CLI process and
 * the server can share it. Blocking file work: call off the event loop.
 */
final class RegistryLocation {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryLocation.class);
    static final String SCHEMA_RESOURCE = "/sql/schema.sql";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private RegistryLocation() {
    }

    /**
     * The auto-server of H2 listens on all interfaces unless told otherwise, which would let anyone
     * on the network register themselves. The property is read once when H2's SysProperties class
     * loads, so this must run before any H2 class is touched.
     */
    static void bindH2ToLoopback() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false"); // as Main: see there
        }
    }

    /** The JDBC URL for config.db(), creating the directory (owner-only) when it is a path. */
    static String jdbcUrl(String db) throws IOException {
        if (db.startsWith("jdbc:")) {
            return db;
        }
        if (db.indexOf(';') >= 0) {
            // H2 reads ";KEY=VALUE" in a URL as settings: a path must never smuggle one in.
            throw new IOException("a registry directory must not contain ';' (use a jdbc: URL for settings)");
        }
        Path dir = Path.of(db).toAbsolutePath().normalize();
        try {
            prepareDirectory(dir);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException(describe(e), e);
        }
        return "jdbc:h2:file:" + dir.resolve("registry") + ";AUTO_SERVER=TRUE";
    }

    private static void prepareDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            warnIfOpen(dir);
            return;
        }
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(dir, OWNER_ONLY); // the umask may have narrowed nothing, or more
        } else {
            Files.createDirectories(dir);
        }
        LOG.info("created registry directory {}", dir);
    }

    /** NIO puts only the path into most messages; say what went wrong with it. */
    private static String describe(java.nio.file.FileSystemException e) {
        String what = e.getReason() != null ? e.getReason()
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "exists and is not a directory"
                : e.getClass().getSimpleName();
        return e.getFile() + ": " + what;
    }

    private static void warnIfOpen(Path dir) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            perms.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
            if (!perms.isEmpty()) {
                LOG.warn("registry directory {} is accessible to others ({}); chmod 700 it",
                        dir, PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: nothing to check.
        }
    }

    /** The schema script from the classpath: the same sql/schema.sql admins read. */
    static String schemaScript() throws IOException {
        try (InputStream in = RegistryLocation.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IOException("schema resource " + SCHEMA_RESOURCE + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
