package org.relaygate.smtp;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.config.SmtpSettings;
import org.relaygate.policy.Block;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Snapshot;

/** Relay settings and a registry snapshot for the SMTP tests, loaded the way the server loads them. */
final class TestSettings {

    static final String HOST = "relay.test";

    /** 192.0.2.1 and 127.0.0.1 active; 192.0.2.2 pending; 192.0.2.5 blocked; 127.0.0.2 unregistered. */
    static final Snapshot SNAPSHOT = Snapshot.build(1, Instant.now(), List.of(
            new RegisteredAddress(1, Cidr.parse("192.0.2.1/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(2, Cidr.parse("192.0.2.2/32"), RegistrationStatus.PENDING, ""),
            new RegisteredAddress(3, Cidr.parse("192.0.2.3/32"), RegistrationStatus.SUSPENDED, "lost laptop"),
            new RegisteredAddress(4, Cidr.parse("192.0.2.4/32"), RegistrationStatus.REVOKED, ""),
            new RegisteredAddress(5, Cidr.parse("192.0.2.5/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(6, Cidr.parse("127.0.0.1/32"), RegistrationStatus.ACTIVE, ""),
            new RegisteredAddress(7, Cidr.parse("2001:db8:1::/48"), RegistrationStatus.ACTIVE, "")),
            List.of(new Block(1, Cidr.parse("192.0.2.5/32"), "spam run", null)), true);

    private TestSettings() {
    }

    static SmtpSettings smtp() {
        return smtp(Map.of());
    }

    /** The defaults with {@code smtp.hostname=relay.test} and a loopback listener, then the overrides (keys without "smtp."). */
    static SmtpSettings smtp(Map<String, String> overrides) {
        Map<String, String> flags = new HashMap<>();
        flags.put("smtp.hostname", HOST);
        flags.put("smtp.listen", "127.0.0.1:0");
        overrides.forEach((k, v) -> flags.put("smtp." + k, v));
        return RelaygateConfig.load(null, Map.of(), flags).smtp();
    }
}
