package org.relaygate.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/**
 * The three multi-row INSERTs of each chunk: registrations, their addresses (with the new
 * registration ids), then one audit row for each of those rows (with their new ids).
 */
final class BulkRows implements AutoCloseable {

    private final OffsetDateTime now;
    private final SessionActor who;
    private final TableColumns registrationColumns;
    private final TableColumns addressColumns;
    private final String registrationsTable;
    private final String addressesTable;
    private final MultiRowInsert registrations;
    private final MultiRowInsert addresses;
    private final MultiRowInsert audit;
    private final BulkAudit registrationAudit;
    private final BulkAudit addressAudit;
    private long firstId;
    private long lastId;

    BulkRows(Connection conn, OffsetDateTime now, SessionActor who) throws SQLException {
        this.now = now;
        this.who = who;
        String schema = conn.getSchema();
        registrationColumns = TableColumns.read(conn, schema, "REGISTRATIONS");
        addressColumns = TableColumns.read(conn, schema, "REGISTRATION_ADDRESSES");
        registrationsTable = TableColumns.tableName("REGISTRATIONS");
        addressesTable = TableColumns.tableName("REGISTRATION_ADDRESSES");
        registrations = new MultiRowInsert(conn, "registrations", BulkImport.REGISTRATION_COLUMNS,
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", BulkImport.CHUNK, true);
        addresses = new MultiRowInsert(conn, "registration_addresses", "registration_id, cidr, family, range_start, range_end",
                "(?, ?, ?, ?, ?)", BulkImport.CHUNK, true);
        audit = new MultiRowInsert(conn, "audit_log", "actor, source, table_name, row_id, operation, new_value",
                "(?, ?, ?, ?, 'INSERT', ?)", 2 * BulkImport.CHUNK, false);
        registrationAudit = BulkAudit.of(conn, "REGISTRATIONS", now, who);
        addressAudit = BulkAudit.of(conn, "REGISTRATION_ADDRESSES", now, who);
    }

    void write(List<RegistrationImport.Row> chunk) throws SQLException {
        List<Object[]> values = new ArrayList<>(chunk.size());
        for (RegistrationImport.Row row : chunk) {
            values.add(registrationValues(row));
        }
        long[] ids = registrations.insert(values);
        if (firstId == 0) {
            firstId = ids[0];
        }
        lastId = ids[ids.length - 1];

        List<Object[]> addressValues = new ArrayList<>(chunk.size());
        List<String> cidrs = new ArrayList<>(chunk.size());
        List<Long> owners = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            for (Cidr cidr : chunk.get(i).valid().addresses()) {
                // What CidrColumnsTrigger stores: the canonical text and NetworkRange.of's columns.
                NetworkRange range = NetworkRange.of(cidr);
                addressValues.add(new Object[] {ids[i], cidr.toString(), range.family(), range.start(), range.end()});
                cidrs.add(cidr.toString());
                owners.add(ids[i]);
            }
        }
        long[] addressIds = addresses.insert(addressValues);
        if (registrationAudit != null && addressAudit != null && contiguous(ids) && contiguous(addressIds)) {
            // Set-wise in H2 (BulkAudit); only when no other session's rows lie between the new ids.
            expect(registrationAudit.write(ids[0], ids[ids.length - 1]), ids.length);
            expect(addressAudit.write(addressIds[0], addressIds[addressIds.length - 1]), addressIds.length);
            return;
        }

        List<Object[]> auditRows = new ArrayList<>(chunk.size() + addressIds.length);
        for (int i = 0; i < chunk.size(); i++) {
            auditRows.add(auditRow(registrationsTable, ids[i], AuditValues.row(registrationColumns,
                    registrationRow(ids[i], chunk.get(i)))));
        }
        for (int i = 0; i < addressIds.length; i++) {
            auditRows.add(auditRow(addressesTable, addressIds[i], AuditValues.row(addressColumns,
                    addressRow(addressIds[i], owners.get(i), cidrs.get(i)))));
        }
        audit.insert(auditRows);
    }

    private static boolean contiguous(long[] ids) {
        return ids.length > 0 && ids[ids.length - 1] - ids[0] == ids.length - 1;
    }

    private static void expect(int written, int rows) throws SQLException {
        if (written != rows) {
            throw new SQLException("audit: wrote " + written + " rows for " + rows + " new rows");
        }
    }

    private Object[] registrationValues(RegistrationImport.Row row) {
        RegistrationRules.Valid v = row.valid();
        boolean active = row.status() == RegistrationStatus.ACTIVE;
        return new Object[] {v.unit(), v.contactEmail(), v.device(), v.reason(), v.signedBy(), v.signedOn(),
            row.status().name(), now, now, active ? now : null, active ? who.name() : null, v.notes()};
    }

    /** The row as the audit trigger would see it after the INSERT (columns the import leaves alone are NULL). */
    private Object[] registrationRow(long id, RegistrationImport.Row row) {
        RegistrationRules.Valid v = row.valid();
        boolean active = row.status() == RegistrationStatus.ACTIVE;
        Object[] r = new Object[registrationColumns.size()];
        put(r, registrationColumns, "id", id);
        put(r, registrationColumns, "unit", v.unit());
        put(r, registrationColumns, "contact_email", v.contactEmail());
        put(r, registrationColumns, "device", v.device());
        put(r, registrationColumns, "reason", v.reason());
        put(r, registrationColumns, "signed_by", v.signedBy());
        put(r, registrationColumns, "signed_on", v.signedOn());
        put(r, registrationColumns, "status", row.status().name());
        put(r, registrationColumns, "created_at", now);
        put(r, registrationColumns, "updated_at", now);
        put(r, registrationColumns, "approved_at", active ? now : null);
        put(r, registrationColumns, "approved_by", active ? who.name() : null);
        put(r, registrationColumns, "notes", v.notes());
        return r;
    }

    private Object[] addressRow(long id, long registrationId, String cidr) {
        Object[] r = new Object[addressColumns.size()];
        put(r, addressColumns, "id", id);
        put(r, addressColumns, "registration_id", registrationId);
        put(r, addressColumns, "cidr", cidr);
        return r;
    }

    private static void put(Object[] row, TableColumns columns, String name, Object value) {
        int i = columns.indexOf(name);
        if (i >= 0) {
            row[i] = value;
        }
    }

    private Object[] auditRow(String table, long rowId, String newValue) {
        return new Object[] {who.name(), who.source(), table, rowId, newValue};
    }

    long firstId() {
        return firstId;
    }

    long lastId() {
        return lastId;
    }

    @Override
    public void close() throws SQLException {
        registrations.close();
        addresses.close();
        audit.close();
        if (registrationAudit != null) {
            registrationAudit.close();
        }
        if (addressAudit != null) {
            addressAudit.close();
        }
    }
}
