package org.relaygate.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import org.relaygate.importing.ImportLineException;
import org.relaygate.policy.Cidr;

/**
 * Writes a validated {@link RegistrationImport} in ONE transaction: all of it or, on any failure
 * (or a crash: H2 rolls back what was never committed), nothing. Blocking JDBC on its own
 * connection: call it from the CLI's thread, never from an event loop.
 *
 * <p>The registry's contract holds as for any other change: registry_meta is locked first (writers
 * queue there), the checks of {@code register} run against the locked registry
 * ({@link ImportConflicts}), every row gets its audit_log row with the text {@link AuditTrigger}
 * writes, the cidr columns hold what {@link CidrColumnsTrigger} would store (the canonical text and
 * {@link NetworkRange#of}), and the revision is bumped (once) so a running server reloads. The
 * per-row trigger work is switched off for this session only ({@link BulkMode}) and done here
 * many rows per statement: trigger calls and one audit INSERT per row cost ~0.2 ms a row. ACTIVE rows are inserted ACTIVE with approved_at/approved_by set;
 * as for any registration inserted ACTIVE, the outbox trigger (AFTER UPDATE) queues no notice.
 */
public final class BulkImport {

    /** What an import did (written false: a dry run, checked and rolled back). */
    public record Result(int registrations, int addresses, long firstId, long lastId, long revision, boolean written) {
    }

    /** Called after each chunk with the number of registrations written so far. */
    @FunctionalInterface
    public interface Progress {
        void written(int registrations);
    }

    static final int CHUNK = 2000;
    static final String REGISTRATION_COLUMNS = "unit, contact_email, device, reason, signed_by, signed_on, status,"
            + " created_at, updated_at, approved_at, approved_by, notes";
    private static final String LIVE_ADDRESSES = "SELECT a.registration_id, a.family, a.range_start, a.range_end, a.cidr"
            + " FROM registration_addresses a JOIN registrations r ON r.id = a.registration_id WHERE r.status <> 'REVOKED'";

    private final Connection conn;
    private final Actor actor;

    private BulkImport(Connection conn, Actor actor) {
        this.conn = conn;
        this.actor = actor;
    }

    /**
     * Checks and writes everything, or nothing. summary names the import in its own audit row
     * (e.g. "file=x.csv, format=csv"). Throws ImportLineException for a conflict with the registry
     * (naming the file line), RegistryException for anything else.
     */
    public static Result run(String jdbcUrl, RegistrationImport rows, Actor actor, String summary, boolean dryRun,
                             Progress progress) {
        try (Connection conn = DriverManager.getConnection(jdbcUrl)) {
            conn.setAutoCommit(false);
            try {
                Result result = new BulkImport(conn, actor).work(rows, summary, dryRun, progress);
                if (result.written()) {
                    conn.commit();
                } else {
                    conn.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(conn);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.toRegistryException(e);
        }
    }

    private Result work(RegistrationImport rows, String summary, boolean dryRun, Progress progress) throws SQLException {
        setSession("@actor", actor.name());
        setSession("@source", actor.source() == null || actor.source().isBlank() ? "import" : actor.source());
        long revision = lockMeta();
        ImportLineException conflict = conflicts(rows);
        if (conflict != null) {
            throw conflict;
        }
        if (dryRun || rows.registrations() == 0) {
            return new Result(rows.registrations(), rows.addresses(), 0, 0, revision, false);
        }
        try (Statement st = conn.createStatement()) {
            st.execute(BulkMode.SET_ON);
        }
        BulkRows written = new BulkRows(conn, now(), SessionActor.of(conn));
        try (written) {
            List<RegistrationImport.Row> all = rows.rows();
            for (int from = 0; from < all.size(); from += CHUNK) {
                written.write(all.subList(from, Math.min(all.size(), from + CHUNK)));
                progress.written(Math.min(all.size(), from + CHUNK));
            }
        }
        long newRevision = bumpRevision();
        auditSummary(written.firstId(), summary + ", registrations=" + rows.registrations() + ", addresses="
                + rows.addresses() + ", ids=" + written.firstId() + ".." + written.lastId() + ", revision=" + newRevision);
        try (Statement st = conn.createStatement()) {
            st.execute("SET @relaygate_bulk_import = NULL");
        }
        return new Result(rows.registrations(), rows.addresses(), written.firstId(), written.lastId(), newRevision, true);
    }

    private void setSession(String variable, String value) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SET " + variable + " = ?")) {
            ps.setString(1, value);
            ps.execute();
        }
    }

    private long lockMeta() throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT revision FROM registry_meta WHERE id = 1 FOR UPDATE")) {
            if (!rs.next()) {
                throw new RegistryException("registry_meta has no row: the registry is damaged");
            }
            return rs.getLong(1);
        }
    }

    /** register's checks against everything now in the (locked) registry, for all rows at once. */
    private ImportLineException conflicts(RegistrationImport rows) throws SQLException {
        ImportConflicts conflicts = new ImportConflicts();
        readRanges("SELECT 0, family, range_start, range_end, cidr FROM institution_networks", ImportConflicts.Kind.INSTITUTION, conflicts);
        readRanges("SELECT 0, family, range_start, range_end, cidr FROM dynamic_pools", ImportConflicts.Kind.POOL, conflicts);
        readRanges(LIVE_ADDRESSES, ImportConflicts.Kind.REGISTERED, conflicts);
        for (RegistrationImport.Row row : rows.rows()) {
            ImportConflicts.Kind kind = row.status().live() ? ImportConflicts.Kind.IMPORTED : ImportConflicts.Kind.IMPORTED_REVOKED;
            for (Cidr cidr : row.valid().addresses()) {
                conflicts.add(ImportConflicts.Span.of(cidr, kind, row.line()));
            }
        }
        return conflicts.firstConflict();
    }

    private void readRanges(String sql, ImportConflicts.Kind kind, ImportConflicts into) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(10_000); // through the auto-server, fewer round trips for a large registry
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    into.add(ImportConflicts.Span.ofRow(rs.getInt(2), rs.getString(3), rs.getString(4), kind, rs.getLong(1),
                            rs.getString(5)));
                }
            }
        }
    }

    /** The transaction's CURRENT_TIMESTAMP, as H2 itself would store it for the DEFAULT. */
    private OffsetDateTime now() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private long bumpRevision() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("UPDATE registry_meta SET revision = revision + 1 WHERE id = 1");
            try (ResultSet rs = st.executeQuery("SELECT revision FROM registry_meta WHERE id = 1")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One row for the import itself (table 'import', row_id the first new registration). */
    private void auditSummary(long firstId, String text) throws SQLException {
        String sql = "INSERT INTO audit_log (actor, source, table_name, row_id, operation, new_value) VALUES ("
                + SessionActor.ACTOR_SQL + ", " + SessionActor.SOURCE_SQL + ", 'import', ?, 'INSERT', ?)";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setLong(1, firstId);
            ps.setString(2, text);
            ps.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection conn) {
        try {
            conn.rollback();
        } catch (SQLException e) {
            // Closing the connection rolls back as well.
        }
    }
}
