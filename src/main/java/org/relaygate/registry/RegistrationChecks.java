package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.relaygate.policy.Cidr;

/**
 * The checks on a network that need the database: inside an institution network (when any is
 * listed), clear of every dynamic pool, and not overlapping a live registration. They run in the
 * registering transaction after the registry_meta row is locked, so two concurrent registrations
 * cannot both pass.
 */
final class RegistrationChecks {

    private RegistrationChecks() {
    }

    /** Every check for a new registration's networks, one network after the other; fails on the first conflict. */
    static Future<Void> forRegistration(SqlConnection conn, List<Cidr> networks) {
        return each(networks, cidr -> insideInstitution(conn, cidr)
                .compose(v -> clearOfPools(conn, cidr))
                .compose(v -> clearOfLiveRegistrations(conn, cidr)));
    }

    /** The checks an approval repeats: networks and pools may have changed since registration. */
    static Future<Void> forApproval(SqlConnection conn, List<Cidr> networks) {
        return each(networks, cidr -> insideInstitution(conn, cidr).compose(v -> clearOfPools(conn, cidr)));
    }

    private static Future<Void> each(List<Cidr> networks, java.util.function.Function<Cidr, Future<Void>> check) {
        Future<Void> chain = Future.succeededFuture();
        for (Cidr cidr : networks) {
            chain = chain.compose(v -> check.apply(cidr));
        }
        return chain;
    }

    static Future<Void> insideInstitution(SqlConnection conn, Cidr cidr) {
        NetworkRange r = NetworkRange.of(cidr);
        String sql = "SELECT EXISTS (SELECT 1 FROM institution_networks) AS any_network, EXISTS (SELECT 1 FROM "
                + "institution_networks WHERE family = ? AND range_start <= ? AND range_end >= ?) AS inside";
        return conn.preparedQuery(sql).execute(Tuple.of(r.family(), r.start(), r.end())).compose(rows -> {
            Row row = rows.iterator().next();
            if (row.getBoolean("ANY_NETWORK") && !row.getBoolean("INSIDE")) {
                return Future.failedFuture(new RegistryException(cidr.toDisplayString()
                        + " is outside the institution networks (see: relaygate networks list)"));
            }
            return Future.succeededFuture();
        });
    }

    static Future<Void> clearOfPools(SqlConnection conn, Cidr cidr) {
        Overlaps.Query q = Overlaps.rows("dynamic_pools", "cidr", cidr);
        return conn.preparedQuery(q.sql() + " ORDER BY cidr LIMIT 1").execute(q.params()).compose(rows -> {
            if (rows.size() > 0) {
                String pool = Cidr.parse(rows.iterator().next().getString("CIDR")).toDisplayString();
                return Future.failedFuture(new RegistryException(cidr.toDisplayString() + " overlaps dynamic pool "
                        + pool + " (DHCP addresses cannot be registered)"));
            }
            return Future.succeededFuture();
        });
    }

    static Future<Void> clearOfLiveRegistrations(SqlConnection conn, Cidr cidr) {
        Overlaps.Query q = Overlaps.rows("registration_addresses", "registration_id, cidr", cidr);
        String sql = "SELECT a.registration_id, a.cidr FROM (" + q.sql() + ") a JOIN registrations r"
                + " ON r.id = a.registration_id WHERE r.status <> 'REVOKED' ORDER BY a.registration_id LIMIT 1";
        return conn.preparedQuery(sql).execute(q.params()).compose(rows -> conflict(cidr, rows));
    }

    private static Future<Void> conflict(Cidr cidr, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Future.succeededFuture();
        }
        Row row = rows.iterator().next();
        String other = Cidr.parse(row.getString("CIDR")).toDisplayString();
        return Future.failedFuture(new RegistryException(cidr.toDisplayString() + " is already registered: registration "
                + row.getLong("REGISTRATION_ID") + " has " + other));
    }
}
