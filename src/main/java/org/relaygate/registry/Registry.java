package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;

/**
 * The one class that owns the registry's SQL, over the Vert.x JDBC client. Every change runs in a
 * transaction that sets the actor for the audit triggers. Failures the user can act on fail the
 * future with {@link RegistryException}.
 *
 * <p>API STUB: being implemented.
 */
public final class Registry {

    /** Opens (creating if needed, from sql/schema.sql) the registry named by config.db(). */
    public static Future<Registry> open(Vertx vertx, RelaygateConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<Void> close() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Validates and stores a PENDING registration; the new id. */
    public Future<Long> register(NewRegistration registration, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<Registration> approve(long id, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<Registration> suspend(long id, String reason, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<Registration> revoke(long id, String reason, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<Registration> get(long id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** All registrations, or those with the given status when it is not null; by id. */
    public Future<List<Registration>> list(RegistrationStatus status) {
        throw new UnsupportedOperationException("not yet");
    }

    /** until may be null (no end). */
    public Future<BlockEntry> block(Cidr cidr, String reason, Instant until, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Removes every block on exactly this network; the number removed (fails when none). */
    public Future<Integer> unblock(Cidr cidr, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<List<BlockEntry>> blocks() {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<NetworkEntry> addNetwork(NetworkKind kind, Cidr cidr, String description, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    public Future<List<NetworkEntry>> networks(NetworkKind kind) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Removes exactly this network; fails when it is not listed. */
    public Future<Void> removeNetwork(NetworkKind kind, Cidr cidr, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Newest first; registrationId null for all. */
    public Future<List<AuditEntry>> audit(Long registrationId, int limit) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Runs one SQL statement as the given actor (audited through the triggers). */
    public Future<SqlResult> sql(String statement, Actor actor) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The registry's change counter, bumped by triggers on every change (CLI or plain SQL). */
    public Future<Long> revision() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Reads everything the engine needs and builds a snapshot (the build runs off the event loop). */
    public Future<Snapshot> loadSnapshot() {
        throw new UnsupportedOperationException("not yet");
    }
}
