package org.relaygate.smtp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.relaygate.config.HostPort;
import org.relaygate.config.SmtpSettings;
import org.relaygate.policy.IpAddress;
import org.relaygate.spool.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's SMTP listener: accepts connections on {@code smtp.listen}, enforces the connection
 * limits (in all and per client address) with 421 4.7.0, and hands each connection to an
 * {@link SmtpConnection}. STARTTLS is offered when {@code smtp.tls-cert} and {@code smtp.tls-key}
 * are set; they are loaded and checked at {@link #start()}, so a bad file fails the start, not a client.
 */
public final class SmtpServer {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    /** At most one connection-limit line per interval, so a flood cannot flood the log. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Vertx vertx;
    private final SmtpSettings settings;
    private final RelayPolicy policy;
    private final MessageSink sink;
    private final MessageIds ids = new MessageIds(Clock.systemUTC());
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
    private ServerSSLOptions tls;
    private NetServer server;

    public SmtpServer(Vertx vertx, SmtpSettings settings, RelayPolicy policy, MessageSink sink) {
        this.vertx = vertx;
        this.settings = settings;
        this.policy = policy;
        this.sink = sink;
    }

    /** Loads the TLS key pair when configured, then binds {@code smtp.listen}; completes once bound. */
    public Future<SmtpServer> start() {
        HostPort listen = settings.listen();
        if (listen == null) {
            return Future.failedFuture(new IllegalStateException("smtp.listen is off"));
        }
        NetServerOptions options = new NetServerOptions().setHost(listen.host()).setPort(listen.port()).setTcpNoDelay(true);
        return loadTls().compose(v -> {
            server = vertx.createNetServer(options).connectHandler(this::accept);
            return server.listen();
        }).map(bound -> {
            log.debug("SMTP listener bound to {}:{}{}", listen.host(), bound.actualPort(), tls == null ? "" : " (STARTTLS offered)");
            return this;
        });
    }

    /** The bound port: the real one when {@code smtp.listen} asked for port 0. */
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

    private Future<Void> loadTls() {
        if (!settings.tlsEnabled()) {
            return Future.succeededFuture();
        }
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(settings.tlsCert()).setKeyPath(settings.tlsKey());
        // Reading and parsing the PEM files is file I/O: off the event loop.
        return vertx.executeBlocking(() -> pem.getKeyManagerFactory(vertx))
                .recover(e -> Future.failedFuture(new IllegalArgumentException("smtp.tls-cert/smtp.tls-key: cannot load "
                        + settings.tlsCert() + " and " + settings.tlsKey() + ": " + e.getMessage(), e)))
                .map(factory -> {
                    tls = new ServerSSLOptions().setKeyCertOptions(pem);
                    return null;
                });
    }

    private void accept(NetSocket socket) {
        String client = clientAddress(socket.remoteAddress());
        int inAll = open.incrementAndGet();
        int fromClient = perClient.merge(client, 1, Integer::sum);
        Runnable release = () -> {
            open.decrementAndGet();
            perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        };
        if (inAll > settings.maxConnections() || fromClient > settings.maxConnectionsPerClient()) {
            release.run();
            refuse(socket, client, inAll > settings.maxConnections() ? "smtp.max-connections" : "smtp.max-connections-per-client");
            return;
        }
        SmtpSession session = new SmtpSession(settings, policy, client, tls != null, Clock.systemUTC(), ids);
        new SmtpConnection(vertx, socket, session, settings, sink, tls, client).start(release);
    }

    private void refuse(NetSocket socket, String client, String limit) {
        socket.write(Buffer.buffer(SmtpReplies.tooManyConnections(settings.hostname()).render()));
        socket.close();
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            log.info("client={} refused=connection-limit limit={} refused-connections={} (this line at most every 10 s)",
                    client, limit, refused);
        }
    }

    /** The peer's IP in the engine's canonical form (IPv6 compressed), so limits and logs agree. */
    private static String clientAddress(SocketAddress remote) {
        String host = remote == null ? null : remote.hostAddress();
        IpAddress ip = host == null ? null : IpAddress.parseOrNull(host);
        return ip != null ? ip.toString() : host == null ? "unknown" : host;
    }
}
