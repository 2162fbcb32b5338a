package org.relaygate.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Parsers for configuration values; each error names its key, so a bad start is one clear line. */
final class ConfigValues {

    private ConfigValues() {
    }

    static String nonEmpty(Map<String, String> v, String key) {
        String s = v.get(key);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return s.strip();
    }

    static HostPort hostPort(Map<String, String> v, String key) {
        try {
            return HostPort.parse(v.get(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    static int intIn(Map<String, String> v, String key, int min, int max) {
        return (int) longIn(v, key, min, max);
    }

    static Duration duration(Map<String, String> v, String key) {
        String s = nonEmpty(v, key); // outside the try: its message already names the key
        try {
            Duration d = parseDuration(s);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}; a bare number is seconds. */
    static Duration parseDuration(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        // ASCII only: Character.isDigit and Long.parseLong also take other scripts' digits.
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0 || i > 12) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\" (use e.g. 500ms, 30s, 5m, 2h, 7d)");
        }
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "", "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("not a duration: \"" + text + "\" (use e.g. 500ms, 30s, 5m, 2h, 7d)");
        };
    }

    /** {@code off} (or empty) turns a listener off: null. */
    static HostPort hostPortOrOff(Map<String, String> v, String key) {
        String s = v.getOrDefault(key, "").strip();
        return s.isEmpty() || s.equalsIgnoreCase("off") ? null : hostPort(v, key);
    }

    /** Empty means none: null. */
    static HostPort hostPortOrNone(Map<String, String> v, String key) {
        String s = v.getOrDefault(key, "").strip();
        return s.isEmpty() ? null : hostPort(v, key);
    }

    /** A comma-separated list of HOST:PORT; empty means none. */
    static java.util.List<HostPort> hostPortList(Map<String, String> v, String key) {
        String s = v.getOrDefault(key, "").strip();
        java.util.List<HostPort> out = new java.util.ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String part : s.split(",")) {
            try {
                out.add(HostPort.parse(part.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }
        return out;
    }

    static long longIn(Map<String, String> v, String key, long min, long max) {
        String s = nonEmpty(v, key);
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: " + s);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    static SmtpSettings.BareLf bareLf(Map<String, String> v, String key) {
        String s = nonEmpty(v, key);
        for (SmtpSettings.BareLf mode : SmtpSettings.BareLf.values()) {
            if (mode.name().equalsIgnoreCase(s)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(key + ": expected normalize or reject, got " + s);
    }

    /** The name in the greeting and Received: headers; empty means this machine's host name, without DNS. */
    static String hostname(String configured) {
        String s = configured == null ? "" : configured.strip();
        if (!s.isEmpty()) {
            if (!s.matches("[A-Za-z0-9.-]{1,253}")) {
                throw new IllegalArgumentException("smtp.hostname: not a host name: " + s);
            }
            return s;
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && env.matches("[A-Za-z0-9.-]{1,253}")) {
            return env;
        }
        try {
            String fromFile = java.nio.file.Files.readString(Path.of("/etc/hostname")).strip();
            if (fromFile.matches("[A-Za-z0-9.-]{1,253}")) {
                return fromFile;
            }
        } catch (IOException | RuntimeException e) {
            // fall through: no readable host name
        }
        return "localhost";
    }
    static boolean onOff(Map<String, String> v, String key) {
        String s = nonEmpty(v, key).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException(key + ": expected on or off (true or false), got " + s);
        };
    }

    static String orDefault(Map<String, String> v, String key, String fallback) {
        String s = v.getOrDefault(key, "").strip();
        return s.isEmpty() ? fallback : s;
    }
}
