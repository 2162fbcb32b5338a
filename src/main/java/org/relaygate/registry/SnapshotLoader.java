package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.relaygate.policy.Block;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the engine needs and builds a {@link Snapshot}, all on a worker thread: in full (at
 * start, after large changes, and now and then as a safety net), or as a delta over the last one.
 *
 * <p>The rows are streamed from a plain JDBC read inside {@code executeBlocking} straight into the
 * snapshot's entries: with a million registered networks, materializing a Vert.x RowSet first
 * would cost twice the time and several hundred MB. The read is one REPEATABLE READ transaction,
 * and the revision is read FIRST: the snapshot holds at least that revision's data, and any later
 * change bumps the revision again so the watcher loads once more.
 *
 * <p>A delta reads the audit_log rows after the last mark (see {@link AuditMark} for why the mark
 * is careful), then, in the same transaction, the current networks of just the registrations they
 * name: re-reading a registration is idempotent, so reading a change twice is harmless and only
 * skipping one would not be.
 */
final class SnapshotLoader {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);
    private static final int FETCH_SIZE = 10_000;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private static final String REVISION = "SELECT revision FROM registry_meta WHERE id = 1";
    private static final String ADDRESS_COLUMNS = "SELECT a.registration_id, a.cidr, r.status, r.status_reason,"
            + " r.max_messages_per_hour, r.max_recipients_per_message, r.max_recipients_per_hour, r.updated_at"
            + " FROM registration_addresses a JOIN registrations r ON r.id = a.registration_id";
    private static final String ADDRESSES_OF = ADDRESS_COLUMNS + " WHERE a.registration_id = ANY(?)";
    private static final String ADDRESS_ROWS = "SELECT registration_id, cidr FROM registration_addresses";
    private static final String BLOCKS = "SELECT id, cidr, reason, expires_at FROM blocks"
            + " WHERE expires_at IS NULL OR expires_at > ?";
    private static final String INSTITUTION = "SELECT EXISTS (SELECT 1 FROM institution_networks)";

    private final Vertx vertx;
    private final String url;
    private final Clock clock;

    SnapshotLoader(Vertx vertx, String url, Clock clock) {
        this.vertx = vertx;
        this.url = url;
        this.clock = clock;
    }

    /** The revision through the pool: the cheap query the watcher polls. */
    static Future<Long> revision(SqlClient client) {
        return client.query(REVISION).execute().compose(rows -> rows.size() == 0
                ? Future.failedFuture(noMeta())
                : Future.succeededFuture(rows.iterator().next().getLong("REVISION")));
    }

    Future<Snapshot> load() {
        return vertx.executeBlocking(() -> readFull(0).snapshot(), false);
    }

    /** A full load; its audit mark stays at {@code previousMark} when it cannot be settled. */
    Future<LoadedSnapshot> loadFull(long previousMark) {
        return vertx.executeBlocking(() -> readFull(previousMark), false);
    }

    /**
     * The previous snapshot brought up to date: as a delta when the audit_log rows since its mark
     * are at most {@code maxChanges} and its overlay stays within that too, else in full.
     */
    Future<LoadedSnapshot> update(LoadedSnapshot previous, int maxChanges) {
        return vertx.executeBlocking(() -> readDelta(previous, maxChanges), false);
    }

    private LoadedSnapshot readFull(long previousMark) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            AuditMark mark = AuditMark.read(c);
            begin(c);
            return full(c, mark.next(previousMark), clock.instant(), readRevision(c));
        }
    }

    private LoadedSnapshot full(Connection c, long mark, Instant now, long revision) throws SQLException {
        long started = System.nanoTime();
        long cpuStarted = CPU.getCurrentThreadCpuTime();
        RegistrationTable registrations;
        try (Statement st = fetching(c); ResultSet rs = st.executeQuery(RegistrationTable.QUERY)) {
            registrations = RegistrationTable.read(rs);
        }
        List<RegisteredAddress> addresses = new ArrayList<>();
        int skipped = 0;
        try (Statement st = fetching(c); ResultSet rs = st.executeQuery(ADDRESS_ROWS)) {
            while (rs.next()) {
                Cidr cidr = parseCidr(rs.getString(2));
                RegisteredAddress a = cidr == null ? null : registrations.address(rs.getLong(1), cidr);
                if (a != null) {
                    addresses.add(a);
                } else {
                    skipped++; // cannot happen through the triggers; an unreadable row never grants anything
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("skipped {} unreadable registration address rows", skipped);
        }
        List<Block> blocks = readBlocks(c, now);
        boolean institution = readInstitution(c);
        c.rollback();
        long read = System.nanoTime();
        Snapshot snapshot = Snapshot.build(revision, now, addresses, blocks, institution);
        // CPU time too: on a busy machine it says what the load costs, the wall time does not
        LOG.debug("snapshot revision {} in full: {} networks read in {} ms, built in {} ms, {} ms of CPU", revision,
                addresses.size(), (read - started) / 1_000_000, (System.nanoTime() - read) / 1_000_000,
                (CPU.getCurrentThreadCpuTime() - cpuStarted) / 1_000_000);
        return new LoadedSnapshot(snapshot, mark, true);
    }

    private LoadedSnapshot readDelta(LoadedSnapshot previous, int maxChanges) throws SQLException {
        Instant now = clock.instant();
        try (Connection c = DriverManager.getConnection(url)) {
            AuditMark mark = AuditMark.read(c);
            begin(c);
            long revision = readRevision(c);
            if (mark.max() < previous.auditMark()) { // audit_log emptied or recreated: nothing to go by
                return full(c, mark.next(0), now, revision);
            }
            AuditChanges changes = AuditChanges.read(c, previous.auditMark(), maxChanges);
            Snapshot old = previous.snapshot();
            if (changes.reloadInFull() || old.changedRegistrations() + changes.registrations().size() > maxChanges) {
                LOG.debug("{} audit rows since the last load: reloading in full", changes.rows());
                return full(c, mark.next(previous.auditMark()), now, revision);
            }
            Map<Long, List<RegisteredAddress>> registrations = readAddressesOf(c, changes.registrations());
            List<Block> blocks = changes.blocks() ? readBlocks(c, now) : null;
            boolean institution = changes.institution() ? readInstitution(c) : old.institutionNetworksConfigured();
            c.rollback();
            return new LoadedSnapshot(old.withChanges(revision, now, registrations, blocks, institution),
                    mark.next(previous.auditMark()), false);
        }
    }

    private static void begin(Connection c) throws SQLException {
        // Stream rows as they are found: without it H2 first copies a million-row result into a
        // temporary result (to disk past MAX_MEMORY_ROWS) before handing out the first row.
        try (Statement st = c.createStatement()) {
            st.execute("SET LAZY_QUERY_EXECUTION TRUE");
        }
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        c.setReadOnly(true);
    }

    private static long readRevision(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(REVISION)) {
            if (!rs.next()) {
                throw noMeta();
            }
            return rs.getLong(1);
        }
    }

    /** Every named registration's networks now; an empty list for one with none (or gone). */
    private static Map<Long, List<RegisteredAddress>> readAddressesOf(Connection c, Set<Long> ids) throws SQLException {
        Map<Long, List<RegisteredAddress>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<RegisteredAddress> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ADDRESSES_OF)) {
            ps.setObject(1, ids.toArray(new Long[0]));
            try (ResultSet rs = ps.executeQuery()) {
                readAddresses(rs, rows);
            }
        }
        ids.forEach(id -> out.put(id, new ArrayList<>()));
        rows.forEach(a -> out.get(a.registrationId()).add(a));
        return out;
    }

    /** Big fetches: over the auto-server's TCP link (another process opened the file first) rows come in batches. */
    private static Statement fetching(Connection c) throws SQLException {
        Statement st = c.createStatement();
        st.setFetchSize(FETCH_SIZE);
        return st;
    }

    private static Cidr parseCidr(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Linear in the rows: one parse per network; reasons and limits shared per registration. */
    private static void readAddresses(ResultSet rs, List<RegisteredAddress> out) throws SQLException {
        Map<Long, String> reasons = new HashMap<>();
        Map<Long, RegistrationLimits> limits = new HashMap<>();
        int skipped = 0;
        while (rs.next()) {
            long id = rs.getLong(1);
            try {
                Cidr cidr = Cidr.parse(rs.getString(2));
                RegistrationStatus status = RegistrationStatus.parse(rs.getString(3));
                out.add(new RegisteredAddress(id, cidr, status, sharedReason(reasons, id, rs.getString(4)),
                        sharedLimits(limits, id, status, rs)));
            } catch (IllegalArgumentException e) {
                skipped++; // cannot happen through the triggers; an unreadable row never grants anything
            }
        }
        if (skipped > 0) {
            LOG.warn("skipped {} unreadable registration address rows", skipped);
        }
    }

    /** One String per registration's reason, not one per network; most registrations have none. */
    private static String sharedReason(Map<Long, String> reasons, long id, String reason) {
        if (reason == null) {
            return "";
        }
        String shared = reasons.putIfAbsent(id, reason);
        return shared != null ? shared : reason;
    }

    /**
     * One limits object per ACTIVE registration, read from its first row; only ACTIVE ones are ever
     * limited, so all others share the defaults (a million PENDING rows cost no memory here).
     */
    private static RegistrationLimits sharedLimits(Map<Long, RegistrationLimits> limits, long id,
                                                   RegistrationStatus status, ResultSet rs) throws SQLException {
        if (status != RegistrationStatus.ACTIVE) {
            return RegistrationLimits.DEFAULTS;
        }
        RegistrationLimits shared = limits.get(id);
        if (shared == null) {
            shared = LimitSql.limits(rs, 5);
            limits.put(id, shared);
        }
        return shared;
    }

    private static List<Block> readBlocks(Connection c, Instant now) throws SQLException {
        List<Block> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(BLOCKS)) {
            ps.setObject(1, RowMapper.timestamp(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime expires = rs.getObject(4, OffsetDateTime.class);
                    out.add(new Block(rs.getLong(1), Cidr.parse(rs.getString(2)), rs.getString(3),
                            expires == null ? null : expires.toInstant()));
                }
            }
        }
        return out;
    }

    private static boolean readInstitution(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INSTITUTION)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static RegistryException noMeta() {
        return new RegistryException("registry_meta has no row: not a relaygate registry?");
    }
}
