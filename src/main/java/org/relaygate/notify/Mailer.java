package org.relaygate.notify;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.relaygate.config.MailSettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.delivery.SmarthostSink;
import org.relaygate.registry.Outbox;
import org.relaygate.registry.OutboxEntry;
import org.relaygate.registry.Registry;
import org.relaygate.spool.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the registry's outbox from inside {@code serve}: every {@code mail.poll-interval} it reads
 * the due PENDING rows (through the registry's pool: worker threads, never the event loop), and
 * one at a time claims a row (counting the attempt), composes the message and hands it to the
 * transport: the relay's own spool when the relay listener is on (then delivery, retries and
 * bounces are the relay's), else {@code mail.smarthost}. A row is marked SENT only after the
 * transport acknowledged it; a failure is retried after {@code mail.retry-initial}, doubling up to an
 * hour, and the row is FAILED after {@code mail.max-attempts} or a permanent refusal.
 *
 * <p>Exactly once, nearly: a crash between the transport's acknowledgement and the SENT mark sends
 * the notice again once the claim's lease (10 minutes) has passed, with the same Message-ID.
 * All state lives on one Vert.x context.
 */
public final class Mailer {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);
    static final int BATCH = 50;
    static final Duration LEASE = Duration.ofMinutes(10);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final long STOP_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final MailSettings settings;
    private final String hostname;
    private final Outbox outbox;
    private final MessageSink transport;
    private final String via;
    private final Clock clock;
    private Context context;
    private NoticeComposer composer;
    private long timer = -1;
    private Future<Integer> running;
    private boolean warnedIdle;
    private boolean failing;
    private volatile boolean stopped;

    /**
     * {@code transport} null: nothing to send with (rows stay PENDING, one warning); {@code via}
     * names the transport in logs and in the row's sent_via.
     */
    Mailer(Vertx vertx, MailSettings settings, String hostname, Outbox outbox, MessageSink transport, String via, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.hostname = hostname;
        this.outbox = outbox;
        this.transport = transport;
        this.via = via;
        this.clock = clock;
    }

    /**
     * The mailer of {@code serve}: through {@code relaySink} (the relay queue's sink) when the relay
     * runs, else through mail.smarthost when set, else none.
     */
    public static Mailer create(Vertx vertx, RelaygateConfig config, Registry registry, MessageSink relaySink) {
        MailSettings mail = config.mail();
        String hostname = config.smtp().hostname();
        MessageSink transport = relaySink;
        String via = "relay spool";
        if (relaySink == null && mail.smarthost() != null) {
            transport = new SmarthostSink(vertx, mail.smarthost(), hostname, config.delivery().connectTimeout(),
                    config.delivery().commandTimeout());
            via = "smarthost " + mail.smarthost();
        }
        return new Mailer(vertx, mail, hostname, registry.outbox(), transport, via, Clock.systemUTC());
    }

    /** Loads and checks the templates (a broken one fails the start), then polls the outbox. */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        return context.executeBlocking(() -> Templates.load(settings.templatesDir()))
                .map(templates -> {
                    composer = new NoticeComposer(settings, hostname, templates);
                    context.runOnContext(v -> startTimer());
                    LOG.info("mailer: sending the registry's notices through {}, from {}", describeTransport(), settings.from());
                    return null;
                });
    }

    private String describeTransport() {
        return transport == null ? "nothing (the relay is off and mail.smarthost is not set)" : "the " + via;
    }

    private void startTimer() {
        if (!stopped) {
            timer = vertx.setPeriodic(Math.max(1, settings.pollInterval().toMillis()), id -> pass());
        }
    }

    /** One pass now (tests): completes with the number of rows it handled. */
    Future<Integer> pollNow() {
        Promise<Integer> done = Promise.promise();
        context.runOnContext(v -> pass().onComplete(done));
        return done.future();
    }

    /** On the context: the pass in progress, or a new one. */
    private Future<Integer> pass() {
        if (running != null) {
            return running;
        }
        if (stopped) {
            return Future.succeededFuture(0);
        }
        Future<Integer> pass = outbox.due(clock.instant(), BATCH).compose(this::handle);
        running = pass;
        return pass.andThen(ar -> {
            running = null;
            health(ar.failed() ? ar.cause() : null);
        });
    }

    /** Registry trouble is logged once when it starts and once when it ends, not every second. */
    private void health(Throwable failure) {
        if (failure != null && !failing) {
            LOG.warn("mailer: cannot read or update the outbox, retrying every {}: {}", settings.pollInterval(), failure.getMessage());
        } else if (failure == null && failing) {
            LOG.info("mailer: the outbox is readable again");
        }
        failing = failure != null;
    }

    private Future<Integer> handle(List<OutboxEntry> due) {
        if (due.isEmpty()) {
            return Future.succeededFuture(0);
        }
        if (transport == null) {
            if (!warnedIdle) {
                warnedIdle = true;
                LOG.warn("mailer: {} notice(s) waiting in the outbox, and nothing to send them with: turn the relay on"
                        + " (smtp.listen) or set mail.smarthost; they stay PENDING", due.size());
            }
            return Future.succeededFuture(0);
        }
        Future<Integer> chain = Future.succeededFuture(0);
        for (OutboxEntry e : due) {
            chain = chain.compose(n -> stopped ? Future.succeededFuture(n) : process(e).map(v -> n + 1));
        }
        return chain;
    }

    private Future<Void> process(OutboxEntry e) {
        String skip = composer.skipReason(e.kind());
        if (skip != null) {
            return outbox.skipped(e.id(), skip).map(done -> {
                LOG.info("outbox {}: {} skipped: {}", e.id(), e.kind(), skip);
                return null;
            });
        }
        Instant now = clock.instant();
        NoticeComposer.Composed message;
        try {
            message = composer.compose(e, now);
        } catch (IllegalArgumentException bad) {
            LOG.warn("outbox {}: {} cannot be sent: {}", e.id(), e.kind(), bad.getMessage());
            return outbox.failed(e.id(), bad.getMessage()).mapEmpty();
        }
        return outbox.claim(e, now.plus(LEASE)).compose(won -> won ? send(e, message) : Future.succeededFuture());
    }

    private Future<Void> send(OutboxEntry e, NoticeComposer.Composed m) {
        int attempt = e.attempts() + 1;
        return transport.store(m.envelope(), Buffer.buffer(m.message())).transform(ar -> {
            if (ar.failed()) {
                return failedAttempt(e, attempt, ar.cause());
            }
            String sentVia = via + ": " + ar.result(); // the relay's queue id, or the smarthost's reply
            return outbox.sent(e.id(), clock.instant(), m.subject(), m.body(), sentVia).map(marked -> {
                LOG.info("outbox {}: {} to=<{}> sent via {} (attempt {})", e.id(), e.kind(), m.recipient(), sentVia, attempt);
                return null;
            });
        });
    }

    private Future<Void> failedAttempt(OutboxEntry e, int attempt, Throwable cause) {
        String error = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof SmarthostSink.Rejected || attempt >= settings.maxAttempts()) {
            LOG.warn("outbox {}: {} failed for good after {} attempt(s): {}", e.id(), e.kind(), attempt, error);
            return outbox.failed(e.id(), error).mapEmpty();
        }
        Instant next = clock.instant().plus(backoff(settings.retryInitial(), attempt));
        LOG.warn("outbox {}: {} attempt {} failed, next at {}: {}", e.id(), e.kind(), attempt, next, error);
        return outbox.retry(e.id(), next, error).mapEmpty();
    }

    /** retry-initial after the first failed attempt, doubling, at most an hour. */
    static Duration backoff(Duration initial, int attempt) {
        int doublings = Math.min(Math.max(0, attempt - 1), 20);
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Stops polling, closes a smarthost connection of its own, and waits (at most 10 s) for the row
     * in progress to be recorded, so stop this before the relay queue and the registry.
     */
    public Future<Void> stop() {
        if (context == null) {
            return closeTransport();
        }
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            stopped = true;
            vertx.cancelTimer(timer);
            Future<Integer> current = running == null ? Future.succeededFuture(0) : running;
            closeTransport()
                    .transform(closed -> current.timeout(STOP_WAIT_SECONDS, TimeUnit.SECONDS))
                    .<Void>mapEmpty()
                    .recover(err -> Future.succeededFuture())
                    .onComplete(done);
        });
        return done.future();
    }

    private Future<Void> closeTransport() {
        return transport instanceof SmarthostSink own ? own.close() : Future.succeededFuture();
    }
}
