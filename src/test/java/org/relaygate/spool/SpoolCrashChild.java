package org.relaygate.spool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.relaygate.smtp.Envelope;

/**
 * A second process for {@link SpoolTest}: opens the spool, stores (and so acknowledges) one
 * message, leaves a half-written file in tmp/ as a store interrupted by a crash would, says
 * "stored ID" and then waits to be killed with SIGKILL, never closing anything.
 */
public final class SpoolCrashChild {

    private SpoolCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Spool spool = Spool.open(Path.of(args[0]));
        Envelope e = new Envelope("192.0.2.7", "printer", "dev@example.org", List.of("a@example.net"), Instant.now(), "ESMTP");
        QueuedMessage m = spool.store(e, "Subject: acknowledged\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(spool.dir().resolve("tmp").resolve("FFFFFFFFFFFF0000.msg"),
                "relaygate-spool 1\nid: FFFFFFFFFFFF0000\nrec".getBytes(StandardCharsets.US_ASCII));
        System.out.println("stored " + m.id());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
    }
}
