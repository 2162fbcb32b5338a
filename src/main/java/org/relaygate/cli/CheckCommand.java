package org.relaygate.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.relaygate.policy.Block;
import org.relaygate.policy.Decision;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.Snapshot;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import org.relaygate.registry.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The decision the policy server would give a client now, from a fresh snapshot, and why. */
@Command(name = "check", description = {
        "Show the decision the policy server would give this client at RCPT (action=... first), and why."})
final class CheckCommand extends RegistryCommand {

    @Parameters(paramLabel = "ADDR", description = "Client IPv4 or IPv6 address.")
    IpAddress address;

    @Override
    int run(Registry registry) {
        Snapshot snapshot = Futures.await(registry.loadSnapshot());
        Instant now = Instant.now();
        // The same engine, texts and request shape as the server; one instant for the whole report.
        PolicyEngine engine = new PolicyEngine(config().texts(), Clock.fixed(now, ZoneOffset.UTC));
        Decision decision = engine.decide(PolicyRequest.of("request", "smtpd_access_policy",
                "protocol_state", "RCPT", "client_address", address.toString()), snapshot);
        RegisteredAddress owner = snapshot.registration(address);
        Block block = snapshot.activeBlock(address, now);
        out().print(CheckReport.render(address, decision, owner, stored(registry, owner), block, snapshot));
        return 0;
    }

    /** The registration's stored fields, for unit and contact; null if it vanished meanwhile. */
    private static Registration stored(Registry registry, RegisteredAddress owner) {
        if (owner == null) {
            return null;
        }
        try {
            return Futures.await(registry.get(owner.registrationId()));
        } catch (RegistryException e) {
            return null;
        }
    }
}
