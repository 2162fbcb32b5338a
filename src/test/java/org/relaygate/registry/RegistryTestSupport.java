package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.relaygate.config.RelaygateConfig;

/** Helpers shared by the registry tests: blocking waits on futures (test thread only) and forms. */
final class RegistryTestSupport {

    static final Actor CLI = new Actor("alice", "cli");

    private RegistryTestSupport() {
    }

    static RelaygateConfig config(Path dir) {
        return RelaygateConfig.defaultConfig().withDb(dir.toString());
    }

    static Registry open(Vertx vertx, Path dir) {
        return await(Registry.open(vertx, config(dir)));
    }

    /** The same URL the registry uses, for a plain JDBC session next to it. */
    static Connection plainSql(Path dir) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("registry")
                + ";AUTO_SERVER=TRUE");
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("future did not complete: " + e, e);
        }
    }

    /** Waits for the future to fail with a RegistryException; its message. */
    static String refusal(Future<?> future) {
        try {
            Object value = await(future);
            return fail("expected a refusal, got " + value);
        } catch (RuntimeException e) {
            assertInstanceOf(RegistryException.class, e, () -> "not a RegistryException: " + e);
            assertEquals(-1, e.getMessage().indexOf('\n'), "message is one line: " + e.getMessage());
            return e.getMessage();
        }
    }

    /** Polls a condition until it holds or the time is up (a condition wait, not a blind sleep). */
    static void awaitCondition(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + max.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static NewRegistration form(String... addresses) {
        return new NewRegistration("Physics", "physics-it@example.edu", "Copier room 12", "no SMTP AUTH",
                "Dr. Head", LocalDate.of(2024, 5, 1), List.of(addresses), null);
    }
}
