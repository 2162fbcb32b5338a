package org.relaygate.cli;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A one-shot command on the registry: opens Vert.x and the registry, does its work, then closes the
 * registry's pool and Vert.x as two separate steps (chaining them can hang). Works while {@code serve}
 * runs on the same registry: the embedded H2 is shared through its loopback auto-server.
 */
abstract class RegistryCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RegistryCommand.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    private RelaygateConfig config;
    private Actor actor;

    /** Does the command's work and returns its exit code. */
    abstract int run(Registry registry) throws Exception;

    /** Checks the arguments before anything is opened; throws IllegalArgumentException. */
    void validate() {
    }

    /** Audit source of this command's changes. */
    String source() {
        return "cli";
    }

    final RelaygateCommand root() {
        return (RelaygateCommand) spec.root().userObject();
    }

    final Actor actor() {
        if (actor == null) {
            actor = root().actor(source());
        }
        return actor;
    }

    /** The configuration this run loaded (set before {@link #run}). */
    final RelaygateConfig config() {
        return config;
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws Exception {
        validate();
        actor();
        config = root().config(null);
        Vertx vertx = Vertx.vertx();
        try {
            Registry registry = Futures.await(Registry.open(vertx, config));
            try {
                return run(registry);
            } finally {
                quietly(() -> Futures.await(registry.close(), CLOSE_TIMEOUT, "closing the registry"), "closing the registry");
            }
        } finally {
            quietly(() -> Futures.await(vertx.close(), CLOSE_TIMEOUT, "closing Vert.x"), "closing Vert.x");
        }
    }

    /** A failure while closing must not hide the command's own result or error. */
    private static void quietly(Runnable step, String what) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }
}
