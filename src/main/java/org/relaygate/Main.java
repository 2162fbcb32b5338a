package org.relaygate;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.relaygate.cli.Cli;

/** The one entry point: {@code java -jar relaygate.jar COMMAND ...}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Before H2 loads: its auto-server (which lets the CLI share the file with a running serve)
        // would otherwise listen on all interfaces, and anyone could reach the registry.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        // H2's cache of small values only costs here: a full snapshot read of a million rows
        // spends more on it than it saves (start with 1M entries: ~10 s with it, ~8-9 s without).
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(Cli.run(args, System.getenv(), out, err));
    }
}
