package org.relaygate.cli;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.relaygate.RelaygateService;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.log.LogOutput;
import org.relaygate.policy.Text;
import org.relaygate.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the policy server and, when {@code smtp.listen} is set, the SMTP relay until the JVM is told
 * to stop (SIGTERM, Ctrl-C): a shutdown hook then stops the service (listeners, then the relay's
 * queue, then the registry) and closes Vert.x, as separate steps.
 */
@Command(name = "serve", description = "Run the Postfix policy server and/or the SMTP relay on the registry until stopped (SIGTERM, Ctrl-C).")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--policy-listen", paramLabel = "HOST:PORT|off",
            description = "Where the policy server listens (policy.listen, default: 127.0.0.1:10040; port 0 picks a free one; off for none).")
    String policyListen;

    @Option(names = "--smtp-listen", paramLabel = "HOST:PORT|off",
            description = "Where the SMTP relay listens (smtp.listen, default: off).")
    String smtpListen;

    @Option(names = "--http-listen", paramLabel = "HOST:PORT|PORT|off",
            description = "Where the web pages, JSON API, /metrics and /health listen (http.listen, default: off; a bare PORT means 127.0.0.1:PORT).")
    String httpListen;

    @Option(names = "--next-hop", paramLabel = "HOST:PORT",
            description = "Relay every message to this smarthost (delivery.next-hop, default: none: each recipient domain's MX).")
    String nextHop;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "The relay's spool directory (spool.dir, default: ./data/spool).")
    String spool;

    /** The configuration with this command's flags (null when not given) on top. */
    RelaygateConfig config() {
        Map<String, String> flags = new HashMap<>();
        flags.put("policy.listen", policyListen);
        flags.put("smtp.listen", smtpListen);
        flags.put("http.listen", httpListen);
        flags.put("delivery.next-hop", nextHop);
        flags.put("spool.dir", spool);
        return ((RelaygateCommand) spec.root().userObject()).configWith(flags);
    }

    @Override
    public Integer call() throws InterruptedException {
        RelaygateConfig config = config();
        try {
            LogOutput.apply(config.logOutput()); // serve only: other commands keep stderr, their stdout is their result
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("cannot start: " + e.getMessage(), e);
        }
        Vertx vertx = Vertx.vertx();
        RelaygateService service;
        try {
            service = Futures.await(RelaygateService.start(vertx, config));
        } catch (RuntimeException e) {
            closeVertx(vertx);
            throw new CommandFailure("cannot start: " + reason(e, config), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service, vertx), "relaygate-shutdown"));
        log.info("relaygate running on registry {}; stop with SIGTERM or Ctrl-C", config.db());
        // Serve until the JVM exits; the shutdown hook does the stopping.
        new CountDownLatch(1).await();
        return 0;
    }

    private static String reason(RuntimeException e, RelaygateConfig config) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : Text.oneLine(e.getMessage());
        if (e instanceof RegistryException || e instanceof IllegalArgumentException) {
            return message;
        }
        // Typically a BindException: name what we tried to bind.
        return message + " (policy server on " + onOrOff(config.policyListen()) + ", SMTP relay on "
                + onOrOff(config.smtp().listen()) + ", spool " + config.delivery().spoolDir() + ", registry " + config.db() + ")";
    }

    private static String onOrOff(HostPort listen) {
        return listen == null ? "off" : listen.toString();
    }

    private static void stop(RelaygateService service, Vertx vertx) {
        log.info("stopping relaygate");
        try {
            Futures.await(service.stop(), STOP_TIMEOUT, "stopping the service");
        } catch (RuntimeException e) {
            log.warn("stopping the service failed: {}", e.toString());
        }
        closeVertx(vertx);
        log.info("relaygate stopped");
    }

    private static void closeVertx(Vertx vertx) {
        try {
            Futures.await(vertx.close(), STOP_TIMEOUT, "closing Vert.x");
        } catch (RuntimeException e) {
            log.warn("closing Vert.x failed: {}", e.toString());
        }
    }
}
