package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.Block;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Decision;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;
import org.relaygate.registry.Registration;

class CheckReportTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final PolicyEngine ENGINE = new PolicyEngine(DecisionTexts.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));

    private final List<RegisteredAddress> addresses = List.of(
            new RegisteredAddress(1, Cidr.parse("192.0.2.0/28"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(2, Cidr.parse("192.0.2.16/28"), RegistrationStatus.PENDING, ""),
            new RegisteredAddress(3, Cidr.parse("192.0.2.32"), RegistrationStatus.SUSPENDED, "open relay found"),
            new RegisteredAddress(4, Cidr.parse("2001:db8::/64"), RegistrationStatus.REVOKED, ""));
    private final List<Block> blocks = List.of(
            new Block(8, Cidr.parse("192.0.2.5"), "virus outbreak", Instant.parse("2026-06-02T00:00:00Z")),
            new Block(9, Cidr.parse("192.0.2.6"), "old", Instant.parse("2026-05-01T00:00:00Z")));

    private String check(String client, boolean institutionNetworks) {
        Snapshot snapshot = Snapshot.build(42, NOW, addresses, blocks, institutionNetworks);
        IpAddress address = IpAddress.parse(client);
        Decision d = ENGINE.decide(PolicyRequest.of("protocol_state", "RCPT", "client_address", client), snapshot);
        RegisteredAddress owner = snapshot.registration(address);
        Registration stored = owner == null ? null : FormatsTest.registration(owner.registrationId(), owner.status(), "Physics",
                owner.cidr().toString());
        return CheckReport.render(address, d, owner, stored, snapshot.activeBlock(address, NOW), snapshot);
    }

    @Test
    void activeRegistrationIsOkAndNamesTheRegistration() {
        String text = check("192.0.2.7", true);
        assertEquals("""
                action=OK
                reason: registered
                client: 192.0.2.7
                matched: 192.0.2.0/28
                registration: 1 ACTIVE on 192.0.2.0/28, unit "Physics", contact "printers@example.edu"
                block: none
                registry: revision 42, 3 live networks, 1 revoked, 2 blocks
                """, text);
    }

    @Test
    void aBlockBeatsTheRegistrationAndBothAreShown() {
        String text = check("192.0.2.5", true);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("action=REJECT 5.7.1 Relay access for 192.0.2.5 is blocked by the postmaster: virus outbreak"), text);
        assertEquals("reason: blocked", lines.get(1));
        assertEquals("matched: 192.0.2.5", lines.get(3));
        assertTrue(lines.get(4).startsWith("registration: 1 ACTIVE on 192.0.2.0/28"), text);
        assertEquals("block: 8 on 192.0.2.5 until 2026-06-02T00:00:00Z, reason \"virus outbreak\"", lines.get(5));
    }

    @Test
    void anExpiredBlockNoLongerApplies() {
        String text = check("192.0.2.6", true);
        assertTrue(text.startsWith("action=OK\n"), text);
        assertTrue(text.contains("\nblock: none\n"), text);
    }

    @Test
    void eachRefusalShowsItsReasonKey() {
        assertTrue(check("192.0.2.17", true).startsWith("action=REJECT 5.7.1 Relay registration #2 for 192.0.2.17 is pending"));
        assertTrue(check("192.0.2.17", true).contains("\nreason: pending\n"));
        String suspended = check("192.0.2.32", true);
        assertTrue(suspended.contains("\nreason: suspended\n"), suspended);
        assertTrue(suspended.contains("registration: 3 SUSPENDED on 192.0.2.32, unit \"Physics\", contact \"printers@example.edu\", reason \"open relay found\""), suspended);
        assertTrue(check("2001:db8::1", true).contains("\nreason: revoked\n"));
        String unknown = check("198.51.100.1", true);
        assertTrue(unknown.startsWith("action=REJECT 5.7.1 Client 198.51.100.1 is not registered for relay"), unknown);
        assertTrue(unknown.contains("\nmatched: none\nregistration: none\nblock: none\n"), unknown);
    }

    @Test
    void mappedIpv6MatchesTheIpv4Registration() {
        assertTrue(check("::ffff:192.0.2.7", true).startsWith("action=OK\n"));
    }

    @Test
    void warnsLoudlyWithoutInstitutionNetworks() {
        assertFalse(check("192.0.2.7", true).contains("WARNING"));
        String text = check("192.0.2.7", false);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("WARNING: no institution network is configured")), text);
        assertTrue(text.startsWith("action=OK\n"), "the action line still comes first");
    }
}
