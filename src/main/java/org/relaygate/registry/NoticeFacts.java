package org.relaygate.registry;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.relaygate.policy.Cidr;

/**
 * The facts an outbox row freezes at the moment of its change (the params column): plain strings
 * under the placeholder names of the templates, read over the trigger's own connection so they see
 * the uncommitted change. Lists (addresses) are one item per line.
 */
final class NoticeFacts {

    /** A newly inserted block, as the trigger sees it (range columns already computed). */
    record BlockedRange(String cidr, int family, String start, String end, String reason, Instant until) {
    }

    /** One contact covered by a block: its registrations' facts, and the lowest registration id. */
    record Covered(String contact, long firstRegistration, Map<String, String> facts) {
    }

    private NoticeFacts() {
    }

    /** True when the registration already has a CONFIRMATION row: a later activation is a re-activation. */
    static boolean confirmed(Connection conn, long id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM outbox WHERE registration_id = ? AND kind = 'CONFIRMATION' LIMIT 1")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static Map<String, String> registration(Connection conn, long id, String unit, String contact, String device,
                                            String status, String reason, String actor) throws SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("registration", "#" + id);
        facts.put("id", Long.toString(id));
        facts.put("unit", unit);
        facts.put("contact", contact);
        facts.put("device", device);
        facts.put("status", status);
        facts.put("reason", reason);
        facts.put("actor", actor);
        facts.put("addresses", String.join("\n", addresses(conn, id)));
        return facts;
    }

    private static List<String> addresses(Connection conn, long id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT cidr FROM registration_addresses WHERE registration_id = ? ORDER BY id")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(display(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /**
     * The contacts of live registrations with an address overlapping the block, one entry per
     * distinct contact address (case-insensitive), in registration order.
     */
    static List<Covered> coveredContacts(Connection conn, BlockedRange block, String actor) throws SQLException {
        String sql = "SELECT r.id, r.unit, TRIM(r.contact_email), a.cidr FROM registration_addresses a"
                + " JOIN registrations r ON r.id = a.registration_id"
                + " WHERE a.family = ? AND a.range_start <= ? AND a.range_end >= ? AND r.status <> 'REVOKED'"
                + " ORDER BY r.id, a.id";
        Map<String, Group> byContact = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, block.family());
            ps.setString(2, block.end());
            ps.setString(3, block.start());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    String contact = rs.getString(3);
                    byContact.computeIfAbsent(contact.toLowerCase(Locale.ROOT), k -> new Group(contact, id))
                            .add(id, rs.getString(2), display(rs.getString(4)));
                }
            }
        }
        List<Covered> out = new ArrayList<>(byContact.size());
        for (Group g : byContact.values()) {
            out.add(new Covered(g.contact, g.firstId, g.facts(block, actor)));
        }
        return out;
    }

    /** The registrations, units and addresses of one contact that a block covers. */
    private static final class Group {
        final String contact;
        final long firstId;
        final Set<String> registrations = new LinkedHashSet<>();
        final Set<String> units = new LinkedHashSet<>();
        final Set<String> addresses = new LinkedHashSet<>();

        Group(String contact, long firstId) {
            this.contact = contact;
            this.firstId = firstId;
        }

        void add(long id, String unit, String address) {
            registrations.add("#" + id);
            units.add(unit);
            addresses.add(address);
        }

        Map<String, String> facts(BlockedRange block, String actor) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("registration", String.join(", ", registrations));
            facts.put("id", Long.toString(firstId));
            facts.put("unit", String.join(", ", units));
            facts.put("contact", contact);
            facts.put("network", display(block.cidr()));
            facts.put("reason", block.reason());
            facts.put("until", block.until() == null ? "" : block.until().toString());
            facts.put("actor", actor);
            facts.put("addresses", String.join("\n", addresses));
            return facts;
        }
    }

    private static String display(String cidr) {
        try {
            return Cidr.parse(cidr).toDisplayString();
        } catch (IllegalArgumentException e) {
            return cidr; // the cidr trigger stores only canonical values; never fail a change over a notice
        }
    }

    static String json(Map<String, String> facts) {
        return new JsonObject(new LinkedHashMap<String, Object>(facts)).encode();
    }

    /** The params column back to a map; a row written by hand with broken JSON reads as no facts. */
    static Map<String, String> parse(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            new JsonObject(json).forEach(e -> out.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString()));
        } catch (RuntimeException e) {
            out.clear();
        }
        return out;
    }
}
