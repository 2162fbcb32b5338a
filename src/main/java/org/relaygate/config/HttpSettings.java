package org.relaygate.config;

import java.time.Duration;
import java.util.List;
import org.relaygate.policy.Cidr;

/**
 * The web listener ({@code http.*} keys): the public registration form, the postmaster's pages, the
 * JSON API, {@code /metrics} and {@code /health}. {@code listen} is null when it is off (the
 * default). {@code postmasterPasswordHash} is empty when no postmaster may log in (the pages and the
 * API then refuse every login); {@code tlsCert}/{@code tlsKey} are empty for plain HTTP (behind a
 * TLS-terminating proxy, or on loopback). {@code trustedProxies} are the reverse proxies whose
 * X-Forwarded-For header names the client (empty: the header is ignored).
 */
public record HttpSettings(
        HostPort listen,
        int maxBodySize,
        int maxConnections,
        Duration idleTimeout,
        // registrations accepted per client address per hour, the public form and POST /api/registrations together
        int submissionsPerHour,
        String postmasterPasswordHash,
        Duration sessionTimeout,
        // cookies carry the Secure flag (browsers keep them only over HTTPS or on localhost)
        boolean secureCookies,
        String tlsCert,
        String tlsKey,
        List<Cidr> trustedProxies) {

    public HttpSettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Without trusted proxies (the default): the peer's address is the client's. */
    public HttpSettings(HostPort listen, int maxBodySize, int maxConnections, Duration idleTimeout, int submissionsPerHour,
                        String postmasterPasswordHash, Duration sessionTimeout, boolean secureCookies, String tlsCert,
                        String tlsKey) {
        this(listen, maxBodySize, maxConnections, idleTimeout, submissionsPerHour, postmasterPasswordHash, sessionTimeout,
                secureCookies, tlsCert, tlsKey, List.of());
    }

    public boolean enabled() {
        return listen != null;
    }

    public boolean tlsEnabled() {
        return !tlsCert.isEmpty() && !tlsKey.isEmpty();
    }

    public boolean postmasterLoginEnabled() {
        return !postmasterPasswordHash.isEmpty();
    }
}
