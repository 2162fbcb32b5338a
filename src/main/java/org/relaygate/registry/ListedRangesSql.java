package org.relaygate.registry;

import io.vertx.core.Future;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.policy.Cidr;

/** The SQL on blocks, institution networks and dynamic pools. */
final class ListedRangesSql {

    private ListedRangesSql() {
    }

    static Future<BlockEntry> insertBlock(SqlConnection conn, Cidr cidr, String reason, Instant until, String by) {
        return conn.preparedQuery("INSERT INTO blocks (cidr, reason, created_by, expires_at) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(cidr.toString(), reason, by, RowMapper.timestamp(until)))
                .map(rows -> rows.property(JDBCPool.GENERATED_KEYS).getLong(0))
                .compose(id -> conn.preparedQuery("SELECT " + RowMapper.BLOCK_COLUMNS + " FROM blocks WHERE id = ?")
                        .execute(Tuple.of(id)))
                .map(rows -> RowMapper.block(rows.iterator().next()));
    }

    /** The number of blocks removed from exactly this network. */
    static Future<Integer> deleteBlocks(SqlConnection conn, Cidr cidr) {
        return conn.preparedQuery("DELETE FROM blocks WHERE cidr = ?").execute(Tuple.of(cidr.toString()))
                .map(rows -> rows.rowCount());
    }

    static Future<List<BlockEntry>> blocks(SqlClient client) {
        return client.query("SELECT " + RowMapper.BLOCK_COLUMNS + " FROM blocks ORDER BY id").execute().map(rows -> {
            List<BlockEntry> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(RowMapper.block(r)));
            return out;
        });
    }

    static Future<Boolean> networkExists(SqlConnection conn, NetworkKind kind, Cidr cidr) {
        return conn.preparedQuery("SELECT id FROM " + kind.table() + " WHERE cidr = ?").execute(Tuple.of(cidr.toString()))
                .map(rows -> rows.size() > 0);
    }

    static Future<NetworkEntry> insertNetwork(SqlConnection conn, NetworkKind kind, Cidr cidr, String description, String by) {
        return conn.preparedQuery("INSERT INTO " + kind.table() + " (cidr, description, created_by) VALUES (?, ?, ?)")
                .execute(Tuple.of(cidr.toString(), description, by))
                .map(rows -> rows.property(JDBCPool.GENERATED_KEYS).getLong(0))
                .compose(id -> conn.preparedQuery("SELECT " + RowMapper.NETWORK_COLUMNS + " FROM " + kind.table()
                        + " WHERE id = ?").execute(Tuple.of(id)))
                .map(rows -> RowMapper.network(kind, rows.iterator().next()));
    }

    static Future<Integer> deleteNetwork(SqlConnection conn, NetworkKind kind, Cidr cidr) {
        return conn.preparedQuery("DELETE FROM " + kind.table() + " WHERE cidr = ?").execute(Tuple.of(cidr.toString()))
                .map(rows -> rows.rowCount());
    }

    static Future<List<NetworkEntry>> networks(SqlClient client, NetworkKind kind) {
        return client.query("SELECT " + RowMapper.NETWORK_COLUMNS + " FROM " + kind.table()
                + " ORDER BY family, range_start, range_end DESC").execute().map(rows -> {
                    List<NetworkEntry> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(RowMapper.network(kind, r)));
                    return out;
                });
    }

    /** "an institution network" / "a dynamic pool", for messages. */
    static String label(NetworkKind kind) {
        return kind == NetworkKind.INSTITUTION ? "an institution network" : "a dynamic pool";
    }
}
