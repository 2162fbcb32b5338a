package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class that owns the registry's SQL, over the Vert.x JDBC client. Every change runs in a
 * transaction that sets the actor for the audit triggers. Failures the user can act on fail the
 * future with {@link RegistryException}.
 *
 * <p>Every change first locks the single registry_meta row: writers queue there (the revision
 * trigger writes that row anyway), so checks and inserts of two concurrent registrations cannot
 * interleave.
 */
public final class Registry {

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    /** The actor of what relaygate does by itself (auto-suspension), as the audit log shows it. */
    public static final Actor SYSTEM = new Actor("system", "system");
    private static final int POOL_SIZE = 4;
    /** The most registrations one {@link #list(RegistrationStatus, int)} or {@link #pending} returns. */
    public static final int MAX_PAGE = 5000;
    /** The keys of {@link #formErrors}, in form order. */
    public static final List<String> FORM_FIELDS = RegistrationRules.FIELDS;

    private final Pool pool;
    private final RegistrationRules rules;
    private final SnapshotLoader snapshots;
    private final Clock clock;
    private final String url;
    private final Outbox outbox;

    private Registry(Vertx vertx, Pool pool, RelaygateConfig config, String url, Clock clock) {
        this.pool = pool;
        this.rules = new RegistrationRules(config.minPrefixV4(), config.minPrefixV6());
        this.snapshots = new SnapshotLoader(vertx, url, clock);
        this.clock = clock;
        this.url = url;
        this.outbox = new Outbox(pool);
    }

    /** Opens (creating if needed, from sql/schema.sql) the registry named by config.db(). */
    public static Future<Registry> open(Vertx vertx, RelaygateConfig config) {
        RegistryLocation.bindH2ToLoopback();
        return vertx.executeBlocking(() -> new Location(RegistryLocation.jdbcUrl(config.db()), RegistryLocation.schemaScript()))
                .recover(e -> Future.failedFuture(cannotOpen(config, e.getMessage())))
                .compose(location -> createSchema(vertx, config, location));
    }

    /** The URL and the schema script, found off the event loop. */
    private record Location(String url, String schema) {
    }

    /** Runs the whole (idempotent) schema script on the new pool; closes the pool when that fails. */
    private static Future<Registry> createSchema(Vertx vertx, RelaygateConfig config, Location location) {
        Pool pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(location.url()),
                new PoolOptions().setMaxSize(POOL_SIZE));
        Registry registry = new Registry(vertx, pool, config, location.url(), Clock.systemDefaultZone());
        return pool.query(location.schema()).execute()
                .recover(e -> pool.close().transform(closed -> Future.failedFuture(cannotOpen(config, SqlErrors.message(e)))))
                .map(registry)
                .onSuccess(r -> LOG.debug("registry open: {}", location.url()));
    }

    private static RegistryException cannotOpen(RelaygateConfig config, String why) {
        return new RegistryException("cannot open registry " + config.db() + ": " + why);
    }

    /** The JDBC URL in use: an admin may connect to it with plain SQL while this registry is open. */
    public String jdbcUrl() {
        return url;
    }

    public Future<Void> close() {
        return pool.close();
    }

    /**
     * The form's refusals that need no database, all at once, for a form that shows each next to its
     * field: field name ({@link #FORM_FIELDS}) to message, in form order; empty when {@link #register}
     * gets past them. The rules and messages are register's own.
     */
    public Map<String, String> formErrors(NewRegistration registration) {
        return rules.errors(registration, LocalDate.now(clock));
    }

    /** Validates and stores a PENDING registration; the new id. */
    public Future<Long> register(NewRegistration registration, Actor actor) {
        RegistrationRules.Valid valid;
        try {
            valid = rules.validate(registration, LocalDate.now(clock));
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        return change(actor, conn -> RegistrationChecks.forRegistration(conn, valid.addresses())
                .compose(v -> RegistrationSql.insert(conn, valid)));
    }

    public Future<Registration> approve(long id, Actor actor) {
        return change(actor, conn -> RegistrationSql.status(conn, id)
                .compose(status -> {
                    StatusRules.checkApprove(id, status);
                    return RegistrationSql.addresses(conn, id);
                })
                .compose(networks -> RegistrationChecks.forApproval(conn, networks))
                .compose(v -> RegistrationSql.approve(conn, id, actor.name()))
                .compose(v -> RegistrationSql.get(conn, id)));
    }

    public Future<Registration> suspend(long id, String reason, Actor actor) {
        String why;
        try {
            why = RegistrationRules.required("suspension reason", reason, RegistrationRules.MAX_REASON);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        return transition(id, actor, RegistrationStatus.SUSPENDED, why, StatusRules::checkSuspend);
    }

    public Future<Registration> revoke(long id, String reason, Actor actor) {
        String why;
        try {
            why = RegistrationRules.optional("revocation reason", reason, RegistrationRules.MAX_REASON);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        return transition(id, actor, RegistrationStatus.REVOKED, why, StatusRules::checkRevoke);
    }

    private Future<Registration> transition(long id, Actor actor, RegistrationStatus target, String reason,
                                            java.util.function.BiConsumer<Long, RegistrationStatus> check) {
        return change(actor, conn -> RegistrationSql.status(conn, id)
                .compose(status -> {
                    check.accept(id, status);
                    return RegistrationSql.setStatus(conn, id, target, reason);
                })
                .compose(v -> RegistrationSql.get(conn, id)));
    }

    /**
     * Suspends an ACTIVE registration as the system (the audit entry's actor and source are
     * "system"), for the rate limiter's auto-suspension. Idempotent: a registration that is not
     * ACTIVE (already suspended, pending, revoked) is left as it is. The registration as suspended
     * now, or empty when nothing changed (so a caller notifies the postmaster only once).
     */
    public Future<Optional<Registration>> suspendBySystem(long id, String reason) {
        String why = Text.oneLine(reason == null ? "" : reason).strip();
        String shown = why.isEmpty() ? "automatic suspension" : why;
        String cut = shown.length() > RegistrationRules.MAX_REASON ? shown.substring(0, RegistrationRules.MAX_REASON) : shown;
        return change(SYSTEM, conn -> LimitSql.suspendIfActive(conn, id, cut).compose(suspended -> suspended
                ? RegistrationSql.get(conn, id).map(Optional::of)
                : Future.succeededFuture(Optional.<Registration>empty())));
    }

    /** The registration's own rate limits (null fields: the service-wide defaults). */
    public Future<RegistrationLimits> limits(long id) {
        return LimitSql.get(pool, id).recover(SqlErrors::oneLine);
    }

    /** Changes the registration's own rate limits (audited through the triggers); the limits as they now are. */
    public Future<RegistrationLimits> setLimits(long id, LimitChange limits, Actor actor) {
        String problem = limits == null ? "no limit to change" : limits.problem();
        if (problem != null) {
            return Future.failedFuture(new RegistryException(problem));
        }
        return change(actor, conn -> LimitSql.set(conn, id, limits));
    }

    public Future<Registration> get(long id) {
        return RegistrationSql.get(pool, id).recover(SqlErrors::oneLine);
    }

    /** All registrations, or those with the given status when it is not null; by id. */
    public Future<List<Registration>> list(RegistrationStatus status) {
        return RegistrationSql.list(pool, status).recover(SqlErrors::oneLine);
    }

    /**
     * The first {@code limit} registrations (all, or with the given status when it is not null) by
     * id, and how many there are in all; {@code limit} is 1..{@link #MAX_PAGE}.
     */
    public Future<RegistrationList> list(RegistrationStatus status, int limit) {
        return page(status, RegistrationSql.Order.ID, limit);
    }

    /** The review queue: the first {@code limit} PENDING registrations, oldest first, and how many are PENDING. */
    public Future<RegistrationList> pending(int limit) {
        return page(RegistrationStatus.PENDING, RegistrationSql.Order.OLDEST_FIRST, limit);
    }

    private Future<RegistrationList> page(RegistrationStatus status, RegistrationSql.Order order, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            return Future.failedFuture(new RegistryException("list limit must be 1.." + MAX_PAGE + ", got " + limit));
        }
        return RegistrationSql.firstOf(pool, status, order, limit).recover(SqlErrors::oneLine);
    }

    /**
     * The registrations matching the postmaster's search (see {@link SearchQuery}), by id, at most
     * {@code limit} of them.
     */
    public Future<List<Registration>> search(SearchQuery query, int limit) {
        if (query == null || limit < 1) {
            return Future.failedFuture(new RegistryException("nothing to search for"));
        }
        return SearchSql.search(pool, query, limit).recover(SqlErrors::oneLine);
    }

    /** until may be null (no end). */
    public Future<BlockEntry> block(Cidr cidr, String reason, Instant until, Actor actor) {
        String why;
        try {
            requireCidr(cidr);
            why = RegistrationRules.required("block reason", reason, RegistrationRules.MAX_REASON);
            if (until != null && !until.isAfter(clock.instant())) {
                throw new RegistryException("block end " + until + " is in the past");
            }
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        return change(actor, conn -> ListedRangesSql.insertBlock(conn, cidr, why, until, actor.name()));
    }

    /** Removes every block on exactly this network; the number removed (fails when none). */
    public Future<Integer> unblock(Cidr cidr, Actor actor) {
        if (cidr == null) {
            return Future.failedFuture(new RegistryException("no network given"));
        }
        return change(actor, conn -> ListedRangesSql.deleteBlocks(conn, cidr).compose(n -> n == 0
                ? Future.failedFuture(new RegistryException("no block on " + cidr.toDisplayString()))
                : Future.succeededFuture(n)));
    }

    public Future<List<BlockEntry>> blocks() {
        return ListedRangesSql.blocks(pool).recover(SqlErrors::oneLine);
    }

    public Future<NetworkEntry> addNetwork(NetworkKind kind, Cidr cidr, String description, Actor actor) {
        String text;
        try {
            requireCidr(cidr);
            text = RegistrationRules.optional("description", description, RegistrationRules.MAX_REASON);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        return change(actor, conn -> ListedRangesSql.networkExists(conn, kind, cidr).compose(exists -> exists
                ? Future.failedFuture(new RegistryException(cidr + " is already " + ListedRangesSql.label(kind)))
                : ListedRangesSql.insertNetwork(conn, kind, cidr, text, actor.name())));
    }

    public Future<List<NetworkEntry>> networks(NetworkKind kind) {
        return ListedRangesSql.networks(pool, kind).recover(SqlErrors::oneLine);
    }

    /** Removes exactly this network; fails when it is not listed. */
    public Future<Void> removeNetwork(NetworkKind kind, Cidr cidr, Actor actor) {
        if (cidr == null) {
            return Future.failedFuture(new RegistryException("no network given"));
        }
        return change(actor, conn -> ListedRangesSql.deleteNetwork(conn, kind, cidr).compose(n -> n == 0
                ? Future.failedFuture(new RegistryException(cidr + " is not " + ListedRangesSql.label(kind)))
                : Future.<Void>succeededFuture()));
    }

    /** Newest first; registrationId null for all. */
    public Future<List<AuditEntry>> audit(Long registrationId, int limit) {
        return AuditSql.read(pool, registrationId, limit).recover(SqlErrors::oneLine);
    }

    /**
     * {@code notify}: queues one NOTICE per distinct contact address among the registrations with
     * this status, in one transaction with one audit row for the notice; the number queued. {@code serve} sends them.
     */
    public Future<Integer> notifyContacts(RegistrationStatus status, String subject, String body, Actor actor) {
        NoticeText text;
        try {
            text = NoticeText.of(subject, body);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        RegistrationStatus which = status == null ? RegistrationStatus.ACTIVE : status;
        return change(actor, conn -> OutboxSql.queueNotice(conn, which, text.subject(), text.body(), actor.name()));
    }

    /** The outbox's sending side, for the mailer in {@code serve}. */
    public Outbox outbox() {
        return outbox;
    }

    /** Runs one SQL statement as the given actor (audited through the triggers). */
    public Future<SqlResult> sql(String statement, Actor actor) {
        if (statement == null || statement.isBlank()) {
            return Future.failedFuture(new RegistryException("empty SQL statement"));
        }
        // Writers queue on registry_meta (see change()); an admin repairing a broken registry_meta
        // must still get through, hence the lock is best effort here.
        return inTransaction(actor, conn -> lockMeta(conn).otherwiseEmpty()
                .compose(locked -> conn.query(statement).execute()).map(SqlConsole::result));
    }

    /** The registry's change counter, bumped by triggers on every change (CLI or plain SQL). */
    public Future<Long> revision() {
        return SnapshotLoader.revision(pool).recover(SqlErrors::oneLine);
    }

    /** Reads everything the engine needs and builds a snapshot (the build runs off the event loop). */
    public Future<Snapshot> loadSnapshot() {
        return snapshots.load().recover(SqlErrors::oneLine);
    }

    /** A full load with its audit mark, for the watcher; the mark stays at previousMark when unsettled. */
    Future<LoadedSnapshot> loadSnapshotInFull(long previousMark) {
        return snapshots.loadFull(previousMark).recover(SqlErrors::oneLine);
    }

    /** The previous snapshot brought up to date from the audit log, or reloaded in full when that is large. */
    Future<LoadedSnapshot> updateSnapshot(LoadedSnapshot previous, int maxChanges) {
        return snapshots.update(previous, maxChanges).recover(SqlErrors::oneLine);
    }

    /** A change: actor set, registry_meta locked (writers queue), then the work; one transaction. */
    private <T> Future<T> change(Actor actor, Function<SqlConnection, Future<T>> work) {
        return inTransaction(actor, conn -> lockMeta(conn).compose(locked -> work.apply(conn)));
    }

    private static Future<Void> lockMeta(SqlConnection conn) {
        return conn.query("SELECT revision FROM registry_meta WHERE id = 1 FOR UPDATE").execute().mapEmpty();
    }

    private <T> Future<T> inTransaction(Actor actor, Function<SqlConnection, Future<T>> work) {
        if (actor == null || actor.name() == null || actor.name().isBlank()) {
            return Future.failedFuture(new RegistryException("no actor given for the audit log"));
        }
        String source = actor.source() == null || actor.source().isBlank() ? "cli" : actor.source();
        return pool.withTransaction(conn -> conn.preparedQuery("SET @actor = ?").execute(Tuple.of(actor.name()))
                        .compose(r -> conn.preparedQuery("SET @source = ?").execute(Tuple.of(source)))
                        .compose(r -> work.apply(conn)))
                .recover(SqlErrors::oneLine);
    }

    private static void requireCidr(Cidr cidr) {
        if (cidr == null) {
            throw new RegistryException("no network given");
        }
    }
}
