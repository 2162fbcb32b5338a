package org.relaygate.config;

import java.time.Duration;

/**
 * The fallback relay's SMTP listener ({@code smtp.*} keys). {@code listen} is null when the relay is
 * off; {@code tlsCert}/{@code tlsKey} are empty when STARTTLS is not offered.
 */
public record SmtpSettings(
        HostPort listen,
        String hostname,
        long maxMessageSize,
        int maxRecipients,
        int maxCommandLine,
        int maxDataLine,
        int maxErrors,
        Duration idleTimeout,
        Duration dataTimeout,
        int maxConnections,
        int maxConnectionsPerClient,
        BareLf bareLf,
        String tlsCert,
        String tlsKey) {

    /** What to do with a line that ends in a bare LF inside DATA. */
    public enum BareLf {
        /** Rewrite the line end to CRLF (legacy devices send bare LF). */
        NORMALIZE,
        /** Refuse the message with 554 5.6.0. */
        REJECT
    }

    public boolean enabled() {
        return listen != null;
    }

    public boolean tlsEnabled() {
        return !tlsCert.isEmpty() && !tlsKey.isEmpty();
    }
}
