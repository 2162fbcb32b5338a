package org.relaygate.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium for the browser tests: its own throwaway profile, the DevTools port chosen by
 * Chromium itself (port 0) and read from its stderr. {@link #close()} kills the browser and every
 * process it started (renderers, GPU and network services) and deletes the profile.
 *
 * <p>A missing browser fails the test with what to install: a browser test that silently skips
 * would let CI pass without ever opening a page. {@code RELAYGATE_SKIP_BROWSER=1} skips on purpose.
 */
public final class Chromium implements AutoCloseable {

    /** Debian's package {@code chromium}; RELAYGATE_CHROMIUM names another binary. */
    private static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");
    /** Cold start on a busy 2-core CI machine takes a few seconds; this bounds a hung one. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path dir;
    private final String webSocketUrl;

    private Chromium(Process process, Path dir, String webSocketUrl) {
        this.process = process;
        this.dir = dir;
        this.webSocketUrl = webSocketUrl;
    }

    /** Starts the browser, or aborts the test when RELAYGATE_SKIP_BROWSER=1, or fails saying what is missing. */
    public static Chromium start() throws IOException, InterruptedException {
        if ("1".equals(System.getenv("RELAYGATE_SKIP_BROWSER"))) {
            Assumptions.abort("RELAYGATE_SKIP_BROWSER=1: the browser tests are skipped on purpose");
        }
        Path executable = executable();
        if (!Files.isExecutable(executable)) {
            throw new AssertionError("no Chromium at " + executable + ": install the Debian package chromium"
                    + " (.ci/run does), point RELAYGATE_CHROMIUM at a Chromium binary,"
                    + " or set RELAYGATE_SKIP_BROWSER=1 to skip the browser tests on purpose");
        }
        Path dir = Files.createTempDirectory("relaygate-chromium");
        Path log = dir.resolve("chromium.err");
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(),
                "--headless=new",
                "--no-sandbox",              // the sandbox refuses to run as root (CI runs .ci/run as root)
                "--disable-gpu",
                "--remote-debugging-port=0", // Chromium picks a free port and prints it
                "--user-data-dir=" + dir.resolve("profile"),
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking", // no calls home from a test machine
                "--disable-sync",
                "--window-size=1100,1400",
                "about:blank"));
        // Chromium's own temporary files (its singleton socket directory) go into the throwaway
        // directory too, so nothing is left in /tmp once it is deleted.
        builder.environment().put("TMPDIR", dir.toString());
        Process process = builder
                // A file, not a pipe: nobody has to keep draining Chromium's chatty stderr.
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close();
        try {
            return new Chromium(process, dir, awaitDevToolsUrl(process, log));
        } catch (Throwable e) {
            new Chromium(process, dir, "").close();
            throw e;
        }
    }

    static Path executable() {
        String configured = System.getenv("RELAYGATE_CHROMIUM");
        return configured == null || configured.isBlank() ? DEFAULT_EXECUTABLE : Path.of(configured);
    }

    private static String awaitDevToolsUrl(Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(output);
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("Chromium exited (status " + process.exitValue() + ") before DevTools listened:\n" + tail(output));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Chromium printed no 'DevTools listening on' line within "
                        + START_TIMEOUT.toSeconds() + " s:\n" + tail(output));
            }
            Thread.sleep(50); // a condition wait on the log file
        }
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }

    /** The browser's DevTools endpoint, {@code ws://127.0.0.1:PORT/devtools/browser/ID}. */
    public String webSocketUrl() {
        return webSocketUrl;
    }

    /** Kills the browser and its whole process tree (children first listed, so none is orphaned), then the profile. */
    @Override
    public void close() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless; a test failure for it would not be.
        }
    }
}
