package org.relaygate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the built relaygate.jar as a separate JVM, as a postmaster would. */
final class Jar {

    /** A finished CLI process. */
    record Result(int code, String out, String err) {
    }

    private Jar() {
    }

    static Path path() {
        String jar = System.getProperty("relaygate.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "system property relaygate.jar must name the built jar: " + jar);
        return Path.of(jar);
    }

    static ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", path().toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        // The CLI's settings come from its flags only, whatever the environment of the build.
        pb.environment().keySet().removeIf(k -> k.startsWith("RELAYGATE_"));
        return pb;
    }

    /** Runs one CLI command to completion (60 s at most: the machine may be busy). */
    static Result run(List<String> args) throws IOException, InterruptedException {
        Process p = builder(args).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("relaygate " + args + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
