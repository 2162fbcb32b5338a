package org.relaygate.delivery;

import io.vertx.core.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.relaygate.spool.ControlFiles;
import org.relaygate.spool.QueueAdmin;
import org.relaygate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of {@code queue retry/delete} while it runs (see {@link ControlFiles}): on each
 * queue-scan tick the requests are taken and carried out on the queue's context, so they never race
 * a delivery. A delete of a message being attempted waits for the attempt to end, then answers.
 */
final class QueueControl {

    private static final Logger LOG = LoggerFactory.getLogger(QueueControl.class);
    /** A command waits 10 s for its answer; one not collected after a minute never will be. */
    private static final Duration STALE = Duration.ofMinutes(1);

    private final RelayQueue relay;
    private final Context context;
    private final Spool spool;
    private final Map<String, RelayQueue.Entry> queue;
    private boolean ticking;
    private Instant lastSweep = Instant.EPOCH;

    QueueControl(RelayQueue relay, Context context, Spool spool, Map<String, RelayQueue.Entry> queue) {
        this.relay = relay;
        this.context = context;
        this.spool = spool;
        this.queue = queue;
    }

    /** One queue-scan tick: control requests first, then every message that is due. */
    void tick() {
        if (relay.stopped() || ticking) {
            return;
        }
        ticking = true;
        boolean sweep = Duration.between(lastSweep, Instant.now()).compareTo(STALE) > 0;
        if (sweep) {
            lastSweep = Instant.now();
        }
        context.executeBlocking(() -> {
            syncRemovals();
            if (sweep) {
                ControlFiles.sweep(spool.controlDir(), STALE);
            }
            return ControlFiles.take(spool.controlDir());
        }, false).onComplete(ar -> {
            ticking = false;
            if (relay.stopped()) {
                return;
            }
            if (ar.succeeded()) {
                ar.result().forEach(this::handle);
            } else {
                LOG.warn("spool: cannot read control requests: {}", ar.cause().toString());
            }
            relay.startDue();
        });
    }

    /** Delivered messages' removals become durable at least once per tick (see Spool.removeFinished). */
    private void syncRemovals() {
        try {
            spool.syncRemovals();
        } catch (IOException e) {
            LOG.warn("spool: fsync of the queue after removals failed (retried next tick): {}", e.toString());
        }
    }

    private void handle(ControlFiles.Request r) {
        RelayQueue.Entry e = r.id().equals("*") ? null : queue.get(r.id());
        if (!r.id().equals("*") && e == null) {
            answer(r.name(), "error " + QueueAdmin.unknown(r.id()).getMessage());
        } else if (r.verb().equals("retry")) {
            answer(r.name(), "ok " + retry(e == null ? List.copyOf(queue.values()) : List.of(e)));
        } else if (e.active) {
            e.deleteRequests.add(r.name()); // answered when the attempt in progress ends
        } else {
            delete(e, List.of(r.name()));
        }
    }

    private int retry(List<RelayQueue.Entry> entries) {
        Instant now = relay.now();
        int n = 0;
        for (RelayQueue.Entry e : entries) {
            if (!e.message.done()) {
                e.message = e.message.dueAt(now);
                n++;
            }
        }
        LOG.info("queue retry: {} message(s) due now", n);
        return n;
    }

    /** After each attempt: deletes that waited for it. */
    void attemptEnded(RelayQueue.Entry e) {
        if (!e.deleteRequests.isEmpty() && !relay.stopped()) {
            List<String> names = List.copyOf(e.deleteRequests);
            e.deleteRequests.clear();
            delete(e, names);
        }
    }

    private void delete(RelayQueue.Entry e, List<String> requests) {
        String id = e.message.id();
        relay.forget(id);
        context.executeBlocking(() -> spool.remove(id), false).onComplete(ar -> {
            if (ar.succeeded()) {
                DeliveryLog.removed(e.message, "queue delete");
            } else {
                LOG.error("{}: queue delete failed: {}", id, ar.cause().toString());
            }
            String answer = ar.succeeded() ? "ok 1" : "error cannot remove " + id + ": " + ar.cause().getMessage();
            requests.forEach(name -> answer(name, answer));
        });
    }

    private void answer(String name, String line) {
        context.executeBlocking(() -> {
            ControlFiles.answer(spool.controlDir(), name, line);
            return null;
        }, false).onFailure(err -> LOG.warn("spool: cannot answer control request {}: {}", name, err.toString()));
    }
}
