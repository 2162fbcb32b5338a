package org.relaygate.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.relaygate.config.DeliverySettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.metrics.DeliveryResult;
import org.relaygate.metrics.Metrics;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.MessageSink;
import org.relaygate.spool.QueuedMessage;
import org.relaygate.spool.RecipientState;
import org.relaygate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool and its delivery, running inside {@code serve}: opens the spool (taking its lock),
 * recovers what a previous run left, attempts everything pending at once, then delivers new
 * messages as soon as they are stored, retries on the queue-scan tick and bounces.
 *
 * <p>All scheduling state lives on one Vert.x context and is touched only there; file I/O runs
 * through {@code executeBlocking}, SMTP and DNS through Vert.x clients, so no event loop ever
 * blocks. At most {@code delivery.concurrency} messages are being attempted and at most as many
 * transactions are open at once.
 */
public final class RelayQueue {

    private static final Logger LOG = LoggerFactory.getLogger(RelayQueue.class);

    /** One queued message as the scheduler sees it. */
    static final class Entry {
        QueuedMessage message;
        /** Waiting for or in a delivery attempt: not to be started again. */
        boolean active;
        /** The message as just stored, for its first attempt only, when that starts at once: no read back. */
        byte[] body;
        /** Control request names of {@code queue delete}s waiting for the attempt in progress to end. */
        final List<String> deleteRequests = new java.util.ArrayList<>();

        Entry(QueuedMessage message) {
            this.message = message;
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final Spool spool;
    private final DeliverySettings settings;
    private final String hostname;
    private final Clock clock;
    private final RetrySchedule schedule;
    private final NetClient netClient;
    private final SmtpClient smtpClient;
    private final Router router;
    private final MessageDelivery delivery;
    private final Limiter messages;
    /** By id, and ids sort by arrival: the first entry is the oldest message. */
    private final TreeMap<String, Entry> queue = new TreeMap<>();
    private final QueueControl control;
    private final Metrics metrics;
    private long timer = -1;
    /** Read by {@link #sink()} callers on other threads. */
    private volatile boolean stopped;
    // For /metrics, read on other threads: kept up to date at every change of the queue (no scan per scrape).
    private volatile int queuedMessages;
    private volatile Instant oldestArrival;

    private RelayQueue(Vertx vertx, Context context, Spool spool, RelaygateConfig config, Clock clock, Router router,
                       Metrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.context = context;
        this.spool = spool;
        this.settings = config.delivery();
        this.hostname = config.smtp().hostname();
        this.clock = clock;
        this.schedule = new RetrySchedule(settings.retryInitial(), settings.retryMax(), settings.maxLifetime());
        this.netClient = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis())));
        this.router = router != null ? router : settings.nextHop() != null ? new NextHopRouter(settings.nextHop())
                : new MxRouter(vertx, settings.dnsServers(), settings.connectTimeout().toMillis());
        this.smtpClient = new SmtpClient(vertx, netClient, hostname, settings.commandTimeout().toMillis(),
                settings.concurrency());
        this.delivery = new MessageDelivery(this.router, smtpClient, new Limiter(settings.concurrency()));
        this.messages = new Limiter(settings.concurrency());
        this.control = new QueueControl(this, context, spool, queue);
    }

    /** Opens and recovers the spool of {@code spool.dir}, then delivers; fails when another process holds the spool. */
    public static Future<RelayQueue> start(Vertx vertx, RelaygateConfig config) {
        return start(vertx, config, new Metrics());
    }

    /** As above, counting each recipient's delivery result in {@code metrics}. */
    public static Future<RelayQueue> start(Vertx vertx, RelaygateConfig config, Metrics metrics) {
        return start(vertx, config, Clock.systemUTC(), null, metrics);
    }

    /** With a clock and, when not null, a router other than the configured one (tests). */
    static Future<RelayQueue> start(Vertx vertx, RelaygateConfig config, Clock clock, Router router) {
        return start(vertx, config, clock, router, new Metrics());
    }

    private static Future<RelayQueue> start(Vertx vertx, RelaygateConfig config, Clock clock, Router router, Metrics metrics) {
        Context context = vertx.getOrCreateContext();
        Path dir = Path.of(config.delivery().spoolDir());
        return context.executeBlocking(() -> {
            Spool spool = Spool.open(dir);
            try {
                return Map.entry(spool, spool.recover());
            } catch (Exception e) {
                spool.close();
                throw e;
            }
        }).map(opened -> {
            RelayQueue q = new RelayQueue(vertx, context, opened.getKey(), config, clock, router, metrics);
            q.recovered(opened.getValue());
            return q;
        });
    }

    private void recovered(List<QueuedMessage> pending) {
        Instant now = clock.instant();
        for (QueuedMessage m : pending) {
            queue.put(m.id(), new Entry(m.dueAt(now))); // "on start, everything pending is attempted at once"
        }
        queueChanged();
        LOG.info("spool {}: {} message(s) recovered, delivering {}", spool.dir(), pending.size(),
                settings.nextHop() != null ? "via " + settings.nextHop() : "to each domain's MX");
        long period = Math.max(1, settings.queueScanInterval().toMillis());
        timer = vertx.setPeriodic(period, id -> control.tick()); // set on our context: ticks run on it
        startDue();
    }

    /** Where the SMTP server stores accepted messages. */
    public MessageSink sink() {
        return this::store;
    }

    private Future<String> store(Envelope envelope, Buffer message) {
        if (stopped) {
            return Future.failedFuture("the relay queue is stopped");
        }
        byte[] bytes = message.getBytes();
        // On the caller's context, so the SMTP session sees its future complete on its own thread.
        return vertx.executeBlocking(() -> spool.store(envelope, bytes), false)
                .onSuccess(m -> context.runOnContext(v -> accepted(m, bytes)))
                .map(QueuedMessage::id);
    }

    /** A new message (received or a bounce): queued and attempted at once. */
    private void accepted(QueuedMessage m, byte[] body) {
        DeliveryLog.queued(m);
        if (stopped) {
            return; // stored: the next start delivers it
        }
        Entry e = new Entry(m);
        if (messages.free()) {
            e.body = body; // starts now; a message that must wait is read back later, so memory stays bounded
        }
        queue.put(m.id(), e);
        queueChanged();
        launch(e);
    }

    /** Starts every message that is due and not already being attempted. */
    void startDue() {
        Instant now = clock.instant();
        for (Entry e : List.copyOf(queue.values())) { // a copy: an attempt may end, and remove its entry, at once
            Instant next = e.message.nextAttempt();
            if (!e.active && next != null && !next.isAfter(now)) {
                launch(e);
            }
        }
    }

    private void launch(Entry e) {
        e.active = true;
        messages.submit(() -> attempt(e)).onComplete(ar -> {
            e.active = false;
            control.attemptEnded(e);
        });
    }

    private Future<Void> attempt(Entry e) {
        QueuedMessage m = e.message;
        byte[] stored = e.body;
        e.body = null;
        List<Integer> due = m.due(clock.instant());
        if (stopped || due.isEmpty() || !e.deleteRequests.isEmpty()) {
            return Future.succeededFuture();
        }
        Future<byte[]> read = stored != null ? Future.succeededFuture(stored)
                : context.executeBlocking(() -> spool.readMessage(m.id()), false);
        return read
                .compose(body -> delivery.attempt(m, due, body).compose(results -> record(e, m, body, results)))
                .recover(err -> failed(e, m, err));
    }

    private Future<Void> record(Entry e, QueuedMessage m, byte[] body, Map<Integer, RecipientResult> results) {
        if (stopped) {
            return Future.succeededFuture(); // abandoned: stays queued as it was
        }
        Instant now = clock.instant();
        AttemptResults.Applied applied = AttemptResults.apply(m, results, now, schedule);
        DeliveryLog.attempt(applied.message(), results, now);
        count(applied.message(), results);
        boolean bounce = !applied.failures().isEmpty() && e.deleteRequests.isEmpty();
        return (bounce ? bounce(m, body, applied.failures(), now) : Future.<Void>succeededFuture())
                .compose(v -> persist(e, applied.message()));
    }

    private void count(QueuedMessage after, Map<Integer, RecipientResult> results) {
        for (Map.Entry<Integer, RecipientResult> r : results.entrySet()) {
            RecipientState state = after.recipients().get(r.getKey());
            metrics.delivery(switch (state.status()) {
                case DELIVERED -> DeliveryResult.DELIVERED;
                case PENDING -> DeliveryResult.DEFERRED;
                case BOUNCED -> r.getValue().outcome() == Outcome.TEMP ? DeliveryResult.EXPIRED : DeliveryResult.BOUNCED;
            });
        }
    }

    /** Takes a message out of the queue (on the queue's context), keeping the published gauges in step. */
    void forget(String id) {
        queue.remove(id);
        queueChanged();
    }

    /** Called on the queue's context after every put and remove: publishes the size and the oldest arrival. */
    private void queueChanged() {
        Map.Entry<String, Entry> first = queue.firstEntry();
        oldestArrival = first == null ? null : first.getValue().message.envelope().receivedAt();
        queuedMessages = queue.size();
    }

    /** Messages in the spool (delivered or bounced ones leave it). */
    public int queuedMessages() {
        return queuedMessages;
    }

    /** When the oldest message in the spool arrived; null when it is empty. */
    public Instant oldestArrival() {
        return oldestArrival;
    }

    /** The DSN is stored before the state says "bounced": a crash in between bounces twice, never zero times. */
    private Future<Void> bounce(QueuedMessage m, byte[] body, List<AttemptResults.Failure> failures, Instant now) {
        if (m.nullSender()) {
            DeliveryLog.bounceDropped(m, failures.size()); // never a bounce for a bounce
            return Future.succeededFuture();
        }
        Dsn dsn = Dsn.build(hostname, m, body, failures, now, settings.maxLifetime());
        return context.executeBlocking(() -> spool.store(dsn.envelope(), dsn.message()), false)
                .map(stored -> {
                    DeliveryLog.bounced(m, stored.id(), failures.size());
                    accepted(stored, dsn.message());
                    return null;
                });
    }

    private Future<Void> persist(Entry e, QueuedMessage updated) {
        if (stopped) {
            return Future.succeededFuture();
        }
        if (updated.done()) {
            return context.executeBlocking(() -> spool.removeFinished(updated.id()), false).map(existed -> {
                forget(updated.id());
                DeliveryLog.removed(updated, "delivered or bounced to every recipient");
                return null;
            });
        }
        e.message = updated; // even if the write fails: delivered recipients are not tried again in this run
        return context.executeBlocking(() -> {
            spool.writeState(updated);
            return null;
        }, false);
    }

    /** The attempt broke down (spool trouble): nothing recorded, so try it all again after the first retry delay. */
    private Future<Void> failed(Entry e, QueuedMessage m, Throwable err) {
        if (stopped) {
            return Future.succeededFuture();
        }
        if (err instanceof NoSuchFileException) {
            forget(m.id());
            LOG.warn("{}: message file vanished from the spool; forgotten", m.id());
        } else {
            LOG.error("{}: delivery attempt not recorded, retrying in {}: {}", m.id(), settings.retryInitial(), err.toString());
            e.message = e.message.dueAt(clock.instant().plus(settings.retryInitial()));
        }
        return Future.succeededFuture();
    }

    Instant now() {
        return clock.instant();
    }

    boolean stopped() {
        return stopped;
    }

    /** Stops delivering (in-flight transactions are abandoned; their messages stay queued) and releases the spool. */
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (stopped) {
                done.complete();
                return;
            }
            stopped = true;
            vertx.cancelTimer(timer);
            smtpClient.close();
            Future<Void> dns = router instanceof MxRouter mx ? mx.close() : Future.succeededFuture();
            Future.join(netClient.close(), dns)
                    .transform(closed -> context.<Void>executeBlocking(() -> {
                        spool.close();
                        return null;
                    }))
                    .onComplete(done);
        });
        return done.future();
    }
}
