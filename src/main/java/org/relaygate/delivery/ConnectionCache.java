package org.relaygate.delivery;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Idle SMTP sessions to next hops, kept for the next message to the same host and port (Postfix's
 * connection cache: {@code smtp_connection_cache_on_demand}, 2 s {@code smtp_connection_cache_time_limit}).
 * A session is cached only right after a completed transaction (the server waits for MAIL), for at
 * most {@link #IDLE_MILLIS}, and at most {@link #MAX_USES} transactions; an evicted or expired one is
 * ended with QUIT. Not thread-safe: used on the relay queue's context only.
 */
final class ConnectionCache {

    /** How long an idle session is kept: Postfix's default. */
    static final long IDLE_MILLIS = 2000;
    /** Transactions per session, so that a long-lived connection does not pin one next-hop process forever. */
    static final int MAX_USES = 100;

    /** One idle session: its connection, the EHLO reply it got (null after HELO), transactions so far. */
    record Idle(SmtpConnection conn, SmtpReply ehlo, int uses) {
    }

    private static final class Held {
        final Idle idle;
        final String target;
        long timer;

        Held(Idle idle, String target) {
            this.idle = idle;
            this.target = target;
        }
    }

    private final Vertx vertx;
    private final int maxIdle;
    private final Map<String, Deque<Held>> byTarget = new HashMap<>();
    /** Oldest first, for eviction across targets. */
    private final Deque<Held> all = new ArrayDeque<>();

    ConnectionCache(Vertx vertx, int maxIdle) {
        this.vertx = vertx;
        this.maxIdle = maxIdle;
    }

    /** A live idle session to {@code target}, newest first, or null. */
    Idle take(String target) {
        Deque<Held> idle = byTarget.get(target);
        while (idle != null && !idle.isEmpty()) {
            Held h = idle.pollLast();
            all.remove(h);
            vertx.cancelTimer(h.timer);
            if (h.idle.conn().idle()) {
                return h.idle;
            }
            h.idle.conn().close(); // the server closed it, or said something unasked (421): not reusable
        }
        return null;
    }

    /** Keeps the session after a completed transaction, or ends it when it has served enough. */
    void offer(String target, Idle idle) {
        if (idle.uses() >= MAX_USES || maxIdle == 0 || !idle.conn().idle()) {
            SmtpClient.quit(idle.conn());
            return;
        }
        if (all.size() >= maxIdle) {
            evictOldest();
        }
        Held held = new Held(idle, target);
        held.timer = vertx.setTimer(IDLE_MILLIS, id -> {
            if (remove(held)) {
                SmtpClient.quit(held.idle.conn());
            }
        });
        byTarget.computeIfAbsent(target, t -> new ArrayDeque<>()).addLast(held);
        all.addLast(held);
    }

    /** Sessions held now. */
    int size() {
        return all.size();
    }

    /** Ends the oldest idle session, so that a new connection does not exceed the limit. */
    void evictOldest() {
        Held h = all.peekFirst();
        if (h != null && remove(h)) {
            vertx.cancelTimer(h.timer);
            SmtpClient.quit(h.idle.conn());
        }
    }

    /** Closes every idle session (the relay is stopping). */
    void closeAll() {
        for (Iterator<Held> it = all.iterator(); it.hasNext(); ) {
            Held h = it.next();
            vertx.cancelTimer(h.timer);
            h.idle.conn().close();
        }
        all.clear();
        byTarget.clear();
    }

    private boolean remove(Held h) {
        Deque<Held> idle = byTarget.get(h.target);
        if (idle == null || !idle.remove(h)) {
            return false;
        }
        if (idle.isEmpty()) {
            byTarget.remove(h.target);
        }
        all.remove(h);
        return true;
    }
}
