package org.relaygate.config;

import java.util.regex.Pattern;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.Text;

/** A listen or connect address: {@code HOST:PORT}, {@code [IPv6]:PORT}; port 0 asks for any free port. */
public record HostPort(String host, int port) {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static HostPort parse(String text) {
        String s = text == null ? "" : text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1 || s.endsWith("]")) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + Text.quote(s));
        }
        return new HostPort(host(s.substring(0, colon), s), port(s.substring(colon + 1), s));
    }

    /** A host name or IPv4 literal as written, or an IPv6 literal in brackets; refused early, not at bind time. */
    private static String host(String host, String s) {
        if (host.startsWith("[") && host.endsWith("]")) {
            String inner = host.substring(1, host.length() - 1);
            if (inner.indexOf(':') < 0 || inner.indexOf('[') >= 0 || IpAddress.parseOrNull(inner) == null) {
                throw new IllegalArgumentException("only an IPv6 address goes in brackets: " + Text.quote(s));
            }
            return inner;
        }
        if (host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw new IllegalArgumentException("bad host in " + Text.quote(s));
        }
        if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("write an IPv6 host in brackets, as in [::1]:10040: got " + Text.quote(s));
        }
        if (!HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("bad host in " + Text.quote(s));
        }
        return host;
    }

    private static int port(String digits, String s) {
        // parseInt alone would take "+80" and non-ASCII digits.
        if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad port in " + Text.quote(s));
        }
        return Integer.parseInt(digits);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
