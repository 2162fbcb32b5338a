package org.relaygate.policyd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.metrics.Metrics;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Postfix policy delegation server: a TCP listener that hands every accepted connection to a
 * {@link PolicyConnection}, and enforces the connection limit. Idle connections (a stalled half
 * request included) are closed by Vert.x's idle timeout.
 */
public final class PolicyServer {

    private static final Logger log = LoggerFactory.getLogger(PolicyServer.class);
    /** At most one "too many connections" warning per interval, so a flood cannot flood the log. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Vertx vertx;
    private final RelaygateConfig config;
    private final SnapshotSource snapshots;
    private final PolicyEngine engine;
    private final Metrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
    private NetServer server;

    /** A server deciding with the configured texts and the system clock, without rate limits (tests, benchmarks). */
    public PolicyServer(Vertx vertx, RelaygateConfig config, SnapshotSource snapshots) {
        this(vertx, config, snapshots, new PolicyEngine(config.texts(), Clock.systemUTC()));
    }

    /**
     * A server asking the given engine, shared with the relay so both count against the same rate
     * limits. Every request goes to it, END-OF-MESSAGE ones included (the engine answers other states DUNNO).
     */
    public PolicyServer(Vertx vertx, RelaygateConfig config, SnapshotSource snapshots, PolicyEngine engine) {
        this(vertx, config, snapshots, engine, new Metrics());
    }

    /** As above, counting every decision and its latency in {@code metrics}. */
    public PolicyServer(Vertx vertx, RelaygateConfig config, SnapshotSource snapshots, PolicyEngine engine, Metrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.snapshots = snapshots;
        this.engine = engine;
        this.metrics = metrics;
    }

    /** Binds {@code policy.listen}; completes once the port is bound. */
    public Future<PolicyServer> start() {
        HostPort listen = config.policyListen();
        NetServerOptions options = new NetServerOptions()
                .setHost(listen.host())
                .setPort(listen.port())
                .setTcpNoDelay(true)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.policyIdleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        server = vertx.createNetServer(options).connectHandler(this::accept);
        return server.listen().map(bound -> this);
    }

    /** The bound port: the real one when {@code policy.listen} asked for port 0. */
    public int actualPort() {
        return server.actualPort();
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.get();
    }

    /** Stops listening and closes every connection. */
    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void accept(NetSocket socket) {
        if (open.incrementAndGet() > config.policyMaxConnections()) {
            open.decrementAndGet();
            socket.close();
            logRefusal(socket);
            return;
        }
        new PolicyConnection(socket, new PolicyCodec(config.policyMaxAttributes(), config.policyMaxLineLength(),
                config.policyMaxRequestSize()), engine, snapshots, metrics).start(open::decrementAndGet);
    }

    private void logRefusal(NetSocket socket) {
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            log.warn("policy connection limit {} reached: closed {} connection(s) at once (latest from {}); raise policy.max-connections if Postfix needs more",
                    config.policyMaxConnections(), refused, socket.remoteAddress());
        }
    }
}
