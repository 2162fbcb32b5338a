package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.policy.Block;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the engine needs and builds a {@link Snapshot} off the event loop.
 *
 * <p>The revision is read FIRST: any change committed after that bumps the revision again, so the
 * watcher loads once more and never keeps data older than the revision it reports. Addresses and
 * their registration's status come from one statement (one consistent MVCC read), so an address
 * never pairs with a status it did not have.
 */
final class SnapshotLoader {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);

    private static final String ADDRESSES = "SELECT a.registration_id, a.cidr, r.status, r.status_reason"
            + " FROM registration_addresses a JOIN registrations r ON r.id = a.registration_id";
    private static final String BLOCKS = "SELECT id, cidr, reason, expires_at FROM blocks"
            + " WHERE expires_at IS NULL OR expires_at > ?";
    private static final String INSTITUTION = "SELECT EXISTS (SELECT 1 FROM institution_networks) AS configured";

    private final Vertx vertx;
    private final Pool pool;
    private final Clock clock;

    SnapshotLoader(Vertx vertx, Pool pool, Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.clock = clock;
    }

    static Future<Long> revision(io.vertx.sqlclient.SqlClient client) {
        return client.query("SELECT revision FROM registry_meta WHERE id = 1").execute().compose(rows -> rows.size() == 0
                ? Future.failedFuture(new RegistryException("registry_meta has no row: not a relaygate registry?"))
                : Future.succeededFuture(rows.iterator().next().getLong("REVISION")));
    }

    Future<Snapshot> load() {
        Instant now = clock.instant();
        return revision(pool).compose(revision -> pool.query(ADDRESSES).execute()
                .compose(addresses -> pool.preparedQuery(BLOCKS).execute(Tuple.of(RowMapper.timestamp(now)))
                        .compose(blocks -> pool.query(INSTITUTION).execute()
                                .compose(inst -> vertx.executeBlocking(() -> build(revision, now, addresses, blocks,
                                        inst.iterator().next().getBoolean("CONFIGURED")))))));
    }

    /** Linear in the rows: one parse per network, shared reason strings per registration. */
    private static Snapshot build(long revision, Instant now, RowSet<Row> addressRows, RowSet<Row> blockRows,
                                  boolean institutionConfigured) {
        long started = System.nanoTime();
        List<RegisteredAddress> addresses = new ArrayList<>(addressRows.size());
        Map<Long, String> reasons = new HashMap<>();
        int skipped = 0;
        for (Row row : addressRows) {
            long id = row.getLong("REGISTRATION_ID");
            try {
                Cidr cidr = Cidr.parse(row.getString("CIDR"));
                RegistrationStatus status = RegistrationStatus.parse(row.getString("STATUS"));
                String reason = reasons.computeIfAbsent(id, k -> nullToEmpty(row.getString("STATUS_REASON")));
                addresses.add(new RegisteredAddress(id, cidr, status, reason));
            } catch (IllegalArgumentException e) {
                skipped++; // cannot happen through the triggers; an unreadable row never grants anything
            }
        }
        List<Block> blocks = new ArrayList<>(blockRows.size());
        for (Row row : blockRows) {
            blocks.add(new Block(row.getLong("ID"), Cidr.parse(row.getString("CIDR")), row.getString("REASON"),
                    RowMapper.instant(row.getValue("EXPIRES_AT"))));
        }
        Snapshot snapshot = Snapshot.build(revision, now, addresses, blocks, institutionConfigured);
        if (skipped > 0) {
            LOG.warn("snapshot revision {}: skipped {} unreadable registration address rows", revision, skipped);
        }
        LOG.debug("snapshot revision {} built in {} ms", revision, (System.nanoTime() - started) / 1_000_000);
        return snapshot;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
