package org.relaygate.config;

import java.time.Duration;
import java.util.List;

/**
 * The spool and the delivery of relayed mail ({@code spool.*} and {@code delivery.*} keys).
 * {@code nextHop} is null to deliver to each recipient domain's MX; {@code dnsServers} empty to use
 * the system resolver.
 */
public record DeliverySettings(
        String spoolDir,
        HostPort nextHop,
        List<HostPort> dnsServers,
        Duration retryInitial,
        Duration retryMax,
        Duration maxLifetime,
        int concurrency,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration queueScanInterval) {

    public DeliverySettings {
        dnsServers = List.copyOf(dnsServers);
    }
}
