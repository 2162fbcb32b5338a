package org.relaygate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.delivery.RelayQueue;
import org.relaygate.metrics.Metrics;
import org.relaygate.metrics.ServiceGauges;
import org.relaygate.notify.Mailer;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.RateLimiter;
import org.relaygate.policy.Snapshot;
import org.relaygate.policyd.DecisionLog;
import org.relaygate.policyd.PolicyServer;
import org.relaygate.registry.Registry;
import org.relaygate.registry.SnapshotWatcher;
import org.relaygate.smtp.SmtpServer;
import org.relaygate.web.WebContext;
import org.relaygate.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server, wired by constructor: registry and snapshot watcher, the relay's queue (with
 * {@code smtp.listen}), the mailer that sends the registry's outbox, then the listeners: the policy
 * server ({@code policy.listen}) and the SMTP relay, each optional. Both front ends ask ONE
 * {@link PolicyEngine} (same texts, same clock, one {@link RateLimiter}) about the same snapshot, so
 * the relay and the policy server can never disagree and a client's messages count once whichever
 * way they come. A registration the limiter finds far past its limits is suspended in the registry
 * as the system. {@code serve} and the socket tests start it here.
 */
public final class RelaygateService {

    private static final Logger log = LoggerFactory.getLogger(RelaygateService.class);

    private final Vertx vertx;
    private final RelaygateConfig config;
    private final Registry registry;
    private final SnapshotWatcher watcher;
    private final PolicyEngine engine;
    private final Metrics metrics = new Metrics();
    private final ServiceGauges gauges = new LiveGauges(this);
    // Set while starting, each before its own start, so that a failed start closes it too.
    private volatile PolicyServer policyServer;
    private volatile RelayQueue queue;
    private volatile Mailer mailer;
    private volatile SmtpServer smtpServer;
    private volatile WebServer webServer;
    // true once every configured listener is up; false again as soon as stopping begins
    private volatile boolean ready;
    private volatile boolean stopping;
    private Future<Void> stopped;

    private RelaygateService(Vertx vertx, RelaygateConfig config, Registry registry) {
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.watcher = new SnapshotWatcher(vertx, registry, config.registryPollInterval(),
                config.registryDeltaMaxChanges(), config.registryFullReloadInterval());
        RateLimiter limiter = new RateLimiter(config.limits(), Clock.systemUTC(), this::autoSuspend);
        this.engine = new PolicyEngine(config.texts(), Clock.systemUTC(), limiter);
    }

    /**
     * Opens the registry, loads the first snapshot, starts the relay queue and the mailer (a broken
     * template fails the start before any port is bound), then the listeners: the SMTP server last,
     * since it needs the queue for what it accepts. On failure whatever started is stopped again,
     * the registry included.
     */
    public static Future<RelaygateService> start(Vertx vertx, RelaygateConfig config) {
        if (config.policyListen() == null && !config.smtp().enabled()) {
            return Future.failedFuture(new IllegalArgumentException(
                    "nothing to serve: policy.listen and smtp.listen are both off (set --policy-listen or --smtp-listen)"));
        }
        return Registry.open(vertx, config).compose(registry -> {
            RelaygateService service = new RelaygateService(vertx, config, registry);
            return service.watcher.start()
                    .compose(first -> service.startQueue())
                    .compose(v -> service.startMailer())
                    .compose(v -> service.startPolicyServer())
                    .compose(v -> service.startSmtpServer())
                    .compose(v -> service.startWebServer())
                    .map(v -> service.announce())
                    .recover(failure -> service.stop().transform(v -> Future.<RelaygateService>failedFuture(failure)));
        });
    }

    private Future<Void> startPolicyServer() {
        if (config.policyListen() == null) {
            return Future.succeededFuture();
        }
        policyServer = new PolicyServer(vertx, config, watcher, engine, metrics);
        return policyServer.start().mapEmpty();
    }

    private Future<Void> startQueue() {
        if (!config.smtp().enabled()) {
            return Future.succeededFuture();
        }
        return RelayQueue.start(vertx, config, metrics).map(started -> {
            queue = started;
            return null;
        });
    }

    /**
     * The registry's notices leave through the relay's own spool when the relay runs (its retries
     * and bounces apply), else through {@code mail.smarthost}; with neither they wait in the outbox.
     */
    private Future<Void> startMailer() {
        mailer = Mailer.create(vertx, config, registry, queue == null ? null : queue.sink());
        // A missing or broken template is a configuration error: one line naming it, as for a bad key.
        return mailer.start().recover(e -> Future.failedFuture(e instanceof IOException
                ? new IllegalArgumentException(e.getMessage(), e) : e));
    }

    private Future<Void> startSmtpServer() {
        if (queue == null) {
            return Future.succeededFuture();
        }
        smtpServer = new SmtpServer(vertx, config.smtp(), this::decide, queue.sink());
        return smtpServer.start().mapEmpty();
    }

    /** The web listener starts last: /health answers ready only once the rest is up. */
    private Future<Void> startWebServer() {
        if (!config.http().enabled()) {
            return Future.succeededFuture();
        }
        webServer = new WebServer(new WebContext(vertx, config, registry, watcher, metrics, gauges));
        return webServer.start().mapEmpty();
    }


    /**
     * The limiter's report that a registration went far past its limits (on an event loop: start the
     * work, return at once). Idempotent: the registry suspends only an ACTIVE registration, and the
     * limiter reports once per episode. Until the snapshot shows the suspension the limiter defers
     * the registration; should the suspension fail, it stays deferred until the postmaster acts.
     */
    private void autoSuspend(long registrationId, String why) {
        log.warn("registration #{} went far past its limits: suspending it ({})", registrationId, why);
        registry.suspendBySystem(registrationId, why).onComplete(done -> {
            if (done.succeeded() && done.result().isPresent()) {
                log.info("registration #{} suspended (audit actor: system)", registrationId);
            } else if (done.succeeded()) {
                log.info("registration #{} was no longer ACTIVE: left as it is", registrationId);
            } else {
                log.error("auto-suspension of registration #{} failed, it stays deferred until you act"
                        + " (relaygate suspend {} --reason ...): {}", registrationId, registrationId, done.cause().getMessage());
            }
        });
    }

    /** The relay's question, answered exactly as the policy server answers Postfix (and logged and counted alike). */
    private Decision decide(PolicyRequest request) {
        Decision decision = engine.decide(request, watcher.current());
        DecisionLog.log(request, decision);
        metrics.decision(decision.action(), decision.reason());
        return decision;
    }

    private RelaygateService announce() {
        ready = true;
        // Tests and scripts parse these lines: keep "policy server listening on " and "smtp relay listening on ".
        if (policyServer != null) {
            log.info("policy server listening on {}", new HostPort(config.policyListen().host(), policyPort()));
        }
        if (smtpServer != null) {
            log.info("smtp relay listening on {}{}", new HostPort(config.smtp().listen().host(), smtpPort()),
                    config.smtp().tlsEnabled() ? " (STARTTLS offered)" : "");
        }
        if (webServer != null) {
            log.info("web listening on {}", new HostPort(config.http().listen().host(), httpPort()));
        }
        if (!snapshot().institutionNetworksConfigured()) {
            log.warn("no institution network configured: any address may be registered; add them with `relaygate networks add CIDR`");
        }
        return this;
    }

    /** The policy server's bound port (useful with port 0). */
    public int policyPort() {
        if (policyServer == null) {
            throw new IllegalStateException("the policy server is off (policy.listen=off)");
        }
        return policyServer.actualPort();
    }

    /** The SMTP relay's bound port (useful with port 0). */
    public int smtpPort() {
        if (smtpServer == null) {
            throw new IllegalStateException("the SMTP relay is off (smtp.listen=off)");
        }
        return smtpServer.actualPort();
    }

    /** The web listener's bound port (useful with port 0). */
    public int httpPort() {
        if (webServer == null) {
            throw new IllegalStateException("the web listener is off (http.listen=off)");
        }
        return webServer.actualPort();
    }

    public Metrics metrics() {
        return metrics;
    }

    /** What /metrics and /health read: state, connections, registry, queue, listeners. */
    public ServiceGauges gauges() {
        return gauges;
    }

    ServiceGauges.State state() {
        if (stopping) {
            return ServiceGauges.State.STOPPING;
        }
        return ready && watcher.lastRead() != null ? ServiceGauges.State.READY : ServiceGauges.State.STARTING;
    }

    PolicyServer policyServer() {
        return policyServer;
    }

    SmtpServer smtpServer() {
        return smtpServer;
    }

    RelayQueue queue() {
        return queue;
    }

    WebServer webServer() {
        return webServer;
    }

    SnapshotWatcher watcher() {
        return watcher;
    }

    RelaygateConfig config() {
        return config;
    }

    public Snapshot snapshot() {
        return watcher.current();
    }

    /**
     * Closes the listeners (no new mail, no new questions), then the mailer (its notice in progress
     * is recorded first: it writes into the queue and the registry), then the queue (in-flight
     * deliveries are abandoned, their messages stay spooled), then the registry; safe to call twice.
     * A step that fails is logged and the next one still runs.
     */
    public synchronized Future<Void> stop() {
        stopping = true;
        ready = false;
        if (stopped == null) {
            stopped = closeListeners()
                    .transform(v -> step("stopping the mailer", mailer == null ? null : mailer.stop()))
                    .transform(v -> step("stopping the relay queue", queue == null ? null : queue.stop()))
                    .transform(v -> {
                        watcher.stop();
                        return step("closing the registry", registry.close());
                    });
        }
        return stopped;
    }

    private Future<Void> closeListeners() {
        List<Future<Void>> closing = new ArrayList<>();
        if (policyServer != null) {
            closing.add(step("closing the policy server", policyServer.close()));
        }
        if (smtpServer != null) {
            closing.add(step("closing the SMTP relay", smtpServer.close()));
        }
        if (webServer != null) {
            closing.add(step("closing the web listener", webServer.close()));
        }
        return Future.join(closing).mapEmpty();
    }

    /** The step's outcome as a success: a failure is logged, so that stopping goes on. */
    private static Future<Void> step(String what, Future<?> step) {
        if (step == null) {
            return Future.succeededFuture();
        }
        return step.<Void>mapEmpty().recover(failure -> {
            log.warn("{} failed: {}", what, failure.toString());
            return Future.succeededFuture();
        });
    }
}
