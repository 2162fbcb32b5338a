package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

/**
 * The sender's side of the outbox, over the registry's pool (the JDBC client runs on worker
 * threads, so none of this blocks an event loop). Rows are queued by triggers and {@code notify};
 * see sql/schema.sql for the rules. Updates return false when the row was no longer PENDING (an
 * admin settled it, or another sender took it).
 */
public final class Outbox {

    private final Pool pool;

    Outbox(Pool pool) {
        this.pool = pool;
    }

    /** PENDING rows that are due at {@code now}, oldest first, at most {@code limit}. */
    public Future<List<OutboxEntry>> due(Instant now, int limit) {
        return OutboxSql.due(pool, now, limit).recover(SqlErrors::oneLine);
    }

    /** Counts an attempt and holds the row until {@code lease}; false when someone else has it. */
    public Future<Boolean> claim(OutboxEntry entry, Instant lease) {
        return pool.withTransaction(c -> OutboxSql.claim(c, entry.id(), entry.attempts(), lease)).recover(SqlErrors::oneLine);
    }

    /** SENT, with what was sent (subject and body as rendered) and where it went. */
    public Future<Boolean> sent(long id, Instant at, String subject, String body, String via) {
        return pool.withTransaction(c -> OutboxSql.sent(c, id, at, subject, body, via)).recover(SqlErrors::oneLine);
    }

    /** Still PENDING; next attempt at {@code next}. */
    public Future<Boolean> retry(long id, Instant next, String error) {
        return pool.withTransaction(c -> OutboxSql.retry(c, id, next, error)).recover(SqlErrors::oneLine);
    }

    /** FAILED for good. */
    public Future<Boolean> failed(long id, String why) {
        return pool.withTransaction(c -> OutboxSql.settle(c, id, "FAILED", why)).recover(SqlErrors::oneLine);
    }

    /** SKIPPED: the sender's settings say this notice is not sent; the row stays as a record. */
    public Future<Boolean> skipped(long id, String why) {
        return pool.withTransaction(c -> OutboxSql.settle(c, id, "SKIPPED", why)).recover(SqlErrors::oneLine);
    }
}
