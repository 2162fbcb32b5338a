package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.RegistrationStatus;

/** Where the registry lives and who can reach it. */
@ExtendWith(VertxExtension.class)
class RegistryLocationTest {

    @TempDir
    static Path dir;

    @Test
    void autoServerListensOnLoopbackOnly(Vertx vertx) throws IOException {
        Path db = dir.resolve("loopback");
        Registry registry = RegistryTestSupport.open(vertx, db);
        try {
            Properties lock = new Properties();
            try (Reader r = Files.newBufferedReader(db.resolve("registry.lock.db"))) {
                lock.load(r);
            }
            String server = lock.getProperty("server");
            assertNotNull(server, "the auto-server announces itself in the lock file: " + lock);
            int colon = server.lastIndexOf(':');
            // H2 writes the bind address, or "localhost" for a loopback one.
            assertTrue(List.of("127.0.0.1", "localhost").contains(server.substring(0, colon)), server);
            assertEquals("127.0.0.1", System.getProperty("h2.bindAddress"));
            int port = Integer.parseInt(server.substring(colon + 1));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000); // it is really there
            }
            List<String> listeners = listeningAddresses(port);
            assertFalse(listeners.isEmpty(), "the kernel lists the listening socket");
            for (String local : listeners) {
                assertTrue(local.equals("0100007F") || local.equals("0000000000000000FFFF00000100007F"),
                        "bound to loopback, not a wildcard: " + local);
            }
        } finally {
            await(registry.close());
        }
    }

    /** The local addresses (hex, as in /proc/net/tcp*) of every listening socket on the port. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + hexPort)) {
                    out.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return out;
    }

    @Test
    void directoryIsCreatedOwnerOnly(Vertx vertx) throws IOException {
        Path db = dir.resolve("fresh/data");
        Registry registry = RegistryTestSupport.open(vertx, db);
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
            assertTrue(Files.exists(db.resolve("registry.mv.db")));
            assertEquals("jdbc:h2:file:" + db.toAbsolutePath() + "/registry;AUTO_SERVER=TRUE", registry.jdbcUrl());
        } finally {
            await(registry.close());
        }
    }

    @Test
    void reopeningKeepsDataAndRevision(Vertx vertx) {
        Path db = dir.resolve("reopen");
        Registry first = RegistryTestSupport.open(vertx, db);
        long id = await(first.register(form("192.0.2.1"), CLI));
        await(first.approve(id, CLI));
        long revision = await(first.revision());
        await(first.close());

        Registry again = RegistryTestSupport.open(vertx, db); // runs the whole schema script again
        try {
            assertEquals(revision, await(again.revision()));
            assertEquals(RegistrationStatus.ACTIVE, await(again.get(id)).status());
            assertEquals(List.of(List.of("1")), await(again.sql("SELECT COUNT(*) FROM registry_meta", CLI)).rows());
            long next = await(again.register(form("192.0.2.2"), CLI));
            assertEquals(id + 1, next);
        } finally {
            await(again.close());
        }
    }

    @Test
    void aJdbcUrlIsUsedAsIs(Vertx vertx) {
        Registry registry = await(Registry.open(vertx, RegistryTestSupport.config(dir)
                .withDb("jdbc:h2:mem:location-test;DB_CLOSE_DELAY=-1")));
        try {
            assertEquals("jdbc:h2:mem:location-test;DB_CLOSE_DELAY=-1", registry.jdbcUrl());
            long id = await(registry.register(form("2001:db8::7"), CLI));
            assertEquals("2001:db8::7/128", await(registry.get(id)).addresses().get(0).toString());
        } finally {
            await(registry.close());
        }
    }

    @Test
    void anUnusableLocationIsOneClearLine(Vertx vertx) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        String message = RegistryTestSupport.refusal(Registry.open(vertx, RegistryTestSupport.config(file.resolve("db"))));
        assertEquals("cannot open registry " + file.resolve("db") + ": " + file.resolve("db") + ": Not a directory", message);
        assertEquals("cannot open registry /tmp/x;INIT=RUNSCRIPT FROM 'evil': a registry directory must not contain ';'"
                + " (use a jdbc: URL for settings)", RegistryTestSupport.refusal(Registry.open(vertx,
                RegistryTestSupport.config(dir).withDb("/tmp/x;INIT=RUNSCRIPT FROM 'evil'"))));
    }
}
