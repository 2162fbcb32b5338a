package org.relaygate.cli;

import org.relaygate.policy.Block;
import org.relaygate.policy.Decision;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.Text;
import org.relaygate.registry.Registration;

/**
 * The text of {@code check ADDR}: first the {@code action=} line exactly as the policy server would
 * send it, then why. Pure, so its wording is unit-tested.
 */
final class CheckReport {

    static final String NO_INSTITUTION_NETWORK = "WARNING: no institution network is configured, so any address "
            + "may be registered; add the institution's ranges with 'relaygate networks add CIDR'";

    private CheckReport() {
    }

    /**
     * @param owner        the registration the snapshot maps the address to, or null
     * @param registration that registration as stored now, or null when unknown
     * @param block        the block in force for the address, or null
     */
    static String render(IpAddress client, Decision decision, RegisteredAddress owner, Registration registration,
                         Block block, Snapshot snapshot) {
        StringBuilder sb = new StringBuilder();
        sb.append("action=").append(decision.actionLine()).append('\n');
        line(sb, "reason", decision.reason().key());
        line(sb, "client", client.toString());
        line(sb, "matched", decision.matched() == null ? "none" : decision.matched().toDisplayString());
        line(sb, "registration", registration(owner, registration));
        line(sb, "block", block(block));
        line(sb, "registry", "revision " + snapshot.revision() + ", " + snapshot.liveEntries() + " live networks, "
                + snapshot.revokedEntries() + " revoked, " + snapshot.blockEntries() + " blocks");
        if (!snapshot.institutionNetworksConfigured()) {
            sb.append(NO_INSTITUTION_NETWORK).append('\n');
        }
        return sb.toString();
    }

    private static String registration(RegisteredAddress owner, Registration r) {
        if (owner == null) {
            return "none";
        }
        String head = owner.registrationId() + " " + owner.status() + " on " + owner.cidr().toDisplayString();
        if (r == null) {
            return head;
        }
        return head + ", unit " + Text.quote(r.unit()) + ", contact " + Text.quote(r.contactEmail())
                + (blank(owner.statusReason()) ? "" : ", reason " + Text.quote(owner.statusReason()));
    }

    private static String block(Block b) {
        if (b == null) {
            return "none";
        }
        String until = b.expiresAt() == null ? "without end" : "until " + Formats.time(b.expiresAt());
        return b.id() + " on " + b.cidr().toDisplayString() + " " + until + ", reason " + Text.quote(b.reason());
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append('\n');
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
