package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** One in-process run of the CLI with captured stdout and stderr. */
record CliRun(int code, String out, String err) {

    /** Runs {@code relaygate ARGS --db DB} (the --db last, after the command's own options). */
    static CliRun on(String db, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--db");
        all.add(db);
        return run(all.toArray(String[]::new));
    }

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Exit 0 and nothing on stderr; the stdout. */
    String ok() {
        assertEquals(0, code, () -> "exit " + code + ", stderr: " + err + ", stdout: " + out);
        assertEquals("", err, "stderr of a successful command");
        return out;
    }

    /** A non-zero exit with exactly one line on stderr naming the problem and nothing on stdout; the line. */
    String refused(String expected) {
        assertTrue(code != 0, () -> "expected a refusal, got exit 0 and " + out);
        assertEquals("", out, "stdout of a refusal");
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), () -> "one line on stderr, got: " + err);
        assertTrue(lines.get(0).startsWith("relaygate: "), err);
        assertTrue(lines.get(0).contains(expected), () -> "expected \"" + expected + "\" in: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        return lines.get(0);
    }
}
