package org.relaygate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve that cannot start says why in one line and exits 1, without a stack trace. */
class ServeFailureIT {

    @TempDir
    Path dir;

    private static void assertOneErrorLine(Jar.Result r, String expected) {
        assertEquals(1, r.code(), r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("relaygate: ")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).contains(expected), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), r.err());
    }

    @Test
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Jar.Result r = Jar.run(List.of("serve", "--db", dir.resolve("data").toString(),
                    "--policy-listen", "127.0.0.1:" + taken.getLocalPort()));
            assertOneErrorLine(r, "cannot start");
            assertTrue(r.err().contains("127.0.0.1:" + taken.getLocalPort()), r.err());
        }
    }

    @Test
    void unreadableRegistry() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "not a registry");
        Jar.Result r = Jar.run(List.of("serve", "--db", notADirectory.toString(), "--policy-listen", "127.0.0.1:0"));
        assertOneErrorLine(r, "cannot start: cannot open registry");
    }

    @Test
    void badListenAddressIsOneLine() throws Exception {
        Jar.Result r = Jar.run(List.of("serve", "--db", dir.resolve("data").toString(), "--policy-listen", "nonsense"));
        assertOneErrorLine(r, "policy.listen");
    }

    @Test
    void aLogFileThatCannotBeOpenedIsOneLine() throws Exception {
        Path config = dir.resolve("relaygate.properties");
        Path log = dir.resolve("no-such-dir").resolve("relaygate.log");
        Files.writeString(config, "log.output=" + log + "\n");
        Jar.Result r = Jar.run(List.of("--config", config.toString(), "serve", "--db", dir.resolve("data").toString(),
                "--policy-listen", "127.0.0.1:0"));
        assertOneErrorLine(r, "cannot start: log.output: cannot open " + log + " for appending");
    }
}
