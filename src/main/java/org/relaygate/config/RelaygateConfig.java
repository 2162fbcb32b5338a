package org.relaygate.config;

import static org.relaygate.config.ConfigValues.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;

/**
 * The one configuration of relaygate, loaded once and validated at start. Sources, later wins:
 * built-in defaults, the properties file ({@code --config FILE} or {@code RELAYGATE_CONFIG}), the
 * environment ({@code RELAYGATE_POLICY_LISTEN} for {@code policy.listen}), then command-line flags.
 * Every key and its default is listed in {@link #DEFAULTS} and in the README.
 */
public record RelaygateConfig(
        String db,
        // null when the policy server is off (policy.listen=off): a standalone relay
        HostPort policyListen,
        int policyMaxLineLength,
        int policyMaxAttributes,
        int policyMaxRequestSize,
        Duration policyIdleTimeout,
        int policyMaxConnections,
        Duration registryPollInterval,
        int minPrefixV4,
        int minPrefixV6,
        DecisionTexts texts,
        SmtpSettings smtp,
        DeliverySettings delivery,
        LimitSettings limits,
        MailSettings mail,
        // audit rows (and changed registrations since the last full load) above which the snapshot
        // is reloaded in full instead of changed in place
        int registryDeltaMaxChanges,
        // the safety net: a full reload this often even without changes (catches what bypasses the
        // triggers, e.g. TRUNCATE)
        Duration registryFullReloadInterval,
        HttpSettings http,
        // where log lines go: "stderr" (the default), "stdout", or a file path (appended to)
        String logOutput) {

    /** Every key with its default, in README order. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("db", "./data");
        d.put("policy.listen", "127.0.0.1:10040");
        d.put("policy.max-line-length", "4096");
        d.put("policy.max-attributes", "128");
        d.put("policy.max-request-size", "65536");
        d.put("policy.idle-timeout", "600s");
        d.put("policy.max-connections", "1024");
        d.put("registry.poll-interval", "500ms");
        d.put("registry.min-prefix-v4", "16");
        d.put("registry.min-prefix-v6", "48");
        d.put("registry.delta-max-changes", "20000");
        d.put("registry.full-reload-interval", "1h");
        DecisionTexts t = DecisionTexts.DEFAULTS;
        d.put("text.blocked", t.blocked());
        d.put("text.pending", t.pending());
        d.put("text.suspended", t.suspended());
        d.put("text.revoked", t.revoked());
        d.put("text.not-registered", t.notRegistered());
        d.put("text.bad-client-address", t.badClientAddress());
        d.put("text.register", t.register());
        d.put("text.postmaster", t.postmaster());
        d.put("smtp.listen", "off");
        d.put("smtp.hostname", "");
        d.put("smtp.max-message-size", "10485760");
        d.put("smtp.max-recipients", "100");
        d.put("smtp.max-command-line", "2048");
        d.put("smtp.max-data-line", "65536");
        d.put("smtp.max-errors", "10");
        d.put("smtp.idle-timeout", "300s");
        d.put("smtp.data-timeout", "600s");
        d.put("smtp.max-connections", "200");
        d.put("smtp.max-connections-per-client", "20");
        d.put("smtp.bare-lf", "normalize");
        d.put("smtp.tls-cert", "");
        d.put("smtp.tls-key", "");
        d.put("spool.dir", "./data/spool");
        d.put("delivery.next-hop", "");
        d.put("delivery.dns-servers", "");
        d.put("delivery.retry-initial", "5m");
        d.put("delivery.retry-max", "4000s");
        d.put("delivery.max-lifetime", "5d");
        d.put("delivery.concurrency", "20");
        d.put("delivery.connect-timeout", "30s");
        d.put("delivery.command-timeout", "300s");
        d.put("delivery.queue-scan-interval", "1s");
        // Rate limits (issue 5): the service-wide defaults; 0 means no limit. The two "per-hour"
        // limits count over limits.window (1h unless shortened, e.g. for tests).
        LimitSettings l = LimitSettings.DEFAULTS;
        d.put("limits.messages-per-hour", Integer.toString(l.defaults().messagesPerHour()));
        d.put("limits.recipients-per-message", Integer.toString(l.defaults().recipientsPerMessage()));
        d.put("limits.recipients-per-hour", Integer.toString(l.defaults().recipientsPerHour()));
        d.put("limits.window", "1h");
        d.put("limits.auto-suspend", "on");
        d.put("limits.auto-suspend-factor", Integer.toString(l.autoSuspendFactor()));
        d.put("text.rate-limited", DecisionTexts.DEFAULT_RATE_LIMITED);
        // mail the registry sends (issue 5): see MailSettings and the README's "Mail the registry sends"
        d.put("mail.from", "");
        d.put("mail.postmaster", "");
        d.put("mail.relay-host", "");
        d.put("mail.relay-port", "25");
        d.put("mail.notify-on-suspend", "true");
        d.put("mail.notify-on-block", "false");
        d.put("mail.templates-dir", "");
        d.put("mail.smarthost", "");
        d.put("mail.poll-interval", "1s");
        d.put("mail.retry-initial", "30s");
        d.put("mail.max-attempts", "10");
        // the web listener (issue 7): off unless configured; see HttpSettings
        d.put("http.listen", "off");
        d.put("http.max-body-size", "65536");
        d.put("http.max-connections", "256");
        d.put("http.idle-timeout", "60s");
        d.put("http.submissions-per-hour", "5");
        d.put("http.postmaster-password-hash", "");
        d.put("http.session-timeout", "30m");
        d.put("http.secure-cookies", "on");
        d.put("http.tls-cert", "");
        d.put("http.tls-key", "");
        d.put("http.trusted-proxies", "");
        d.put("log.output", "stderr");
        return java.util.Collections.unmodifiableMap(d);
    }

    public static RelaygateConfig defaultConfig() {
        return fromMap(DEFAULTS);
    }

    /**
     * Loads the configuration: defaults, then the file (if any), then the environment, then the
     * given flag values (keys as in {@link #DEFAULTS}).
     */
    public static RelaygateConfig load(Path file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Path configFile = file;
        if (configFile == null && environment.get("RELAYGATE_CONFIG") != null) {
            configFile = Path.of(environment.get("RELAYGATE_CONFIG"));
        }
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        for (String key : DEFAULTS.keySet()) {
            String env = environment.get(envName(key));
            if (env != null) {
                values.put(key, env);
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            if (flag.getValue() != null) {
                requireKnown(flag.getKey(), "flag");
                values.put(flag.getKey(), flag.getValue());
            }
        }
        return fromMap(values);
    }

    /** {@code policy.max-line-length} becomes {@code RELAYGATE_POLICY_MAX_LINE_LENGTH}. */
    public static String envName(String key) {
        return "RELAYGATE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load throws IllegalArgumentException on a malformed unicode escape.
            String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
            throw new IllegalArgumentException("cannot read config file " + file + ": " + why);
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            requireKnown(key, "config file " + file + ": key");
            out.put(key, p.getProperty(key).strip());
        }
        return out;
    }

    private static void requireKnown(String key, String where) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException(where + " " + key + " is not a relaygate setting");
        }
    }

    static RelaygateConfig fromMap(Map<String, String> v) {
        DecisionTexts texts = new DecisionTexts(v.get("text.blocked"), v.get("text.pending"), v.get("text.suspended"),
                v.get("text.revoked"), v.get("text.not-registered"), v.get("text.bad-client-address"),
                v.get("text.register"), v.get("text.postmaster"),
                v.get("text.rate-limited"));
        SmtpSettings smtp = new SmtpSettings(
                hostPortOrOff(v, "smtp.listen"),
                hostname(v.get("smtp.hostname")),
                longIn(v, "smtp.max-message-size", 1024, 1L << 31),
                intIn(v, "smtp.max-recipients", 100, 100_000),
                intIn(v, "smtp.max-command-line", 512, 1 << 20),
                intIn(v, "smtp.max-data-line", 1000, 1 << 24),
                intIn(v, "smtp.max-errors", 1, 1000),
                duration(v, "smtp.idle-timeout"),
                duration(v, "smtp.data-timeout"),
                intIn(v, "smtp.max-connections", 1, 1_000_000),
                intIn(v, "smtp.max-connections-per-client", 1, 1_000_000),
                bareLf(v, "smtp.bare-lf"),
                v.getOrDefault("smtp.tls-cert", "").strip(),
                v.getOrDefault("smtp.tls-key", "").strip());
        if (smtp.tlsCert().isEmpty() != smtp.tlsKey().isEmpty()) {
            throw new IllegalArgumentException("smtp.tls-cert and smtp.tls-key go together: set both or neither");
        }
        DeliverySettings delivery = new DeliverySettings(
                nonEmpty(v, "spool.dir"),
                hostPortOrNone(v, "delivery.next-hop"),
                hostPortList(v, "delivery.dns-servers"),
                duration(v, "delivery.retry-initial"),
                duration(v, "delivery.retry-max"),
                duration(v, "delivery.max-lifetime"),
                intIn(v, "delivery.concurrency", 1, 10_000),
                duration(v, "delivery.connect-timeout"),
                duration(v, "delivery.command-timeout"),
                duration(v, "delivery.queue-scan-interval"));
        return new RelaygateConfig(
                nonEmpty(v, "db"),
                policyListen(v),
                intIn(v, "policy.max-line-length", 256, 1 << 20),
                intIn(v, "policy.max-attributes", 8, 10_000),
                intIn(v, "policy.max-request-size", 1024, 16 << 20),
                duration(v, "policy.idle-timeout"),
                intIn(v, "policy.max-connections", 1, 1_000_000),
                duration(v, "registry.poll-interval"),
                intIn(v, "registry.min-prefix-v4", 0, 32),
                intIn(v, "registry.min-prefix-v6", 0, 128),
                texts, smtp, delivery, limits(v), mail(v, smtp.hostname()),
                intIn(v, "registry.delta-max-changes", 0, 10_000_000),
                duration(v, "registry.full-reload-interval"),
                http(v),
                nonEmpty(v, "log.output"));
    }

    /**
     * {@code http.listen}: {@code off}, {@code HOST:PORT}, or a bare port, which means loopback
     * ({@code 127.0.0.1:PORT}): the public form listens beyond this host only when told a host.
     */
    private static HostPort httpListen(Map<String, String> v) {
        String s = v.getOrDefault("http.listen", "").strip();
        if (s.matches("[0-9]{1,5}")) {
            Map<String, String> loopback = new LinkedHashMap<>(v);
            loopback.put("http.listen", "127.0.0.1:" + s);
            return hostPort(loopback, "http.listen");
        }
        return hostPortOrOff(v, "http.listen");
    }

    /** The http.* block. */
    private static HttpSettings http(Map<String, String> v) {
        HttpSettings http = new HttpSettings(
                httpListen(v),
                intIn(v, "http.max-body-size", 1024, 16 << 20),
                intIn(v, "http.max-connections", 1, 1_000_000),
                duration(v, "http.idle-timeout"),
                intIn(v, "http.submissions-per-hour", 0, 1_000_000),
                v.getOrDefault("http.postmaster-password-hash", "").strip(),
                duration(v, "http.session-timeout"),
                onOff(v, "http.secure-cookies"),
                v.getOrDefault("http.tls-cert", "").strip(),
                v.getOrDefault("http.tls-key", "").strip(),
                cidrList(v, "http.trusted-proxies"));
        if (http.tlsCert().isEmpty() != http.tlsKey().isEmpty()) {
            throw new IllegalArgumentException("http.tls-cert and http.tls-key go together: set both or neither");
        }
        return http;
    }

    /** Comma-separated CIDRs (a single address is a /32 or /128); empty is none. */
    private static List<Cidr> cidrList(Map<String, String> v, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String part : v.getOrDefault(key, "").split(",")) {
            if (!part.isBlank()) {
                try {
                    out.add(Cidr.parse(part.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** The limits.* block. */
    private static LimitSettings limits(Map<String, String> v) {
        Limits defaults = new Limits(
                intIn(v, "limits.messages-per-hour", 0, 1_000_000),
                intIn(v, "limits.recipients-per-message", 0, 1_000_000),
                intIn(v, "limits.recipients-per-hour", 0, 100_000_000));
        Duration window = duration(v, "limits.window");
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("limits.window: " + v.get("limits.window") + " is outside 1s..1d");
        }
        return new LimitSettings(defaults, window, onOff(v, "limits.auto-suspend"),
                intIn(v, "limits.auto-suspend-factor", 2, 1000));
    }

    /** The mail block; empty addresses default to postmaster@ and the relay host to smtp.hostname. */
    private static MailSettings mail(Map<String, String> v, String hostname) {
        String postmaster = "postmaster@" + hostname;
        return new MailSettings(
                address(v, "mail.from", postmaster),
                address(v, "mail.postmaster", postmaster),
                relayHost(orDefault(v, "mail.relay-host", hostname)),
                intIn(v, "mail.relay-port", 1, 65535),
                onOff(v, "mail.notify-on-suspend"),
                onOff(v, "mail.notify-on-block"),
                v.getOrDefault("mail.templates-dir", "").strip(),
                hostPortOrNone(v, "mail.smarthost"),
                duration(v, "mail.poll-interval"),
                duration(v, "mail.retry-initial"),
                intIn(v, "mail.max-attempts", 1, 1000));
    }

    private static String address(Map<String, String> v, String key, String fallback) {
        String s = orDefault(v, key, fallback);
        if (!MailSettings.plausibleAddress(s)) {
            throw new IllegalArgumentException(key + ": not a plain mail address (local@domain): " + s);
        }
        return s;
    }

    /** The name devices are told to configure: a host name or an address, nothing that could break a line. */
    private static String relayHost(String s) {
        if (!s.matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
            throw new IllegalArgumentException("mail.relay-host: not a host name or address: " + s);
        }
        return s;
    }

    /** A copy with another policy listener, for tests and for {@code --policy-listen}. */
    public RelaygateConfig withPolicyListen(HostPort listen) {
        return new RelaygateConfig(db, listen, policyMaxLineLength, policyMaxAttributes, policyMaxRequestSize, policyIdleTimeout,
                policyMaxConnections, registryPollInterval, minPrefixV4, minPrefixV6, texts, smtp, delivery, limits, mail,
                registryDeltaMaxChanges, registryFullReloadInterval, http, logOutput);
    }

    /** A copy on another registry, for tests. */
    public RelaygateConfig withDb(String newDb) {
        return new RelaygateConfig(newDb, policyListen, policyMaxLineLength, policyMaxAttributes, policyMaxRequestSize, policyIdleTimeout,
                policyMaxConnections, registryPollInterval, minPrefixV4, minPrefixV6, texts, smtp, delivery, limits, mail,
                registryDeltaMaxChanges, registryFullReloadInterval, http, logOutput);
    }

    /** A copy with other web settings, for tests and for {@code --http-listen}. */
    public RelaygateConfig withHttp(HttpSettings newHttp) {
        return new RelaygateConfig(db, policyListen, policyMaxLineLength, policyMaxAttributes, policyMaxRequestSize, policyIdleTimeout,
                policyMaxConnections, registryPollInterval, minPrefixV4, minPrefixV6, texts, smtp, delivery, limits, mail,
                registryDeltaMaxChanges, registryFullReloadInterval, newHttp, logOutput);
    }

    /**
     * {@code off} turns the policy server off (null), for a standalone relay. Only the word: an
     * empty value is more likely a mistake than a wish to turn off what Postfix depends on.
     */
    private static HostPort policyListen(Map<String, String> v) {
        String s = v.getOrDefault("policy.listen", "").strip();
        return s.equalsIgnoreCase("off") ? null : hostPort(v, "policy.listen");
    }


    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        return ConfigValues.parseDuration(text);
    }
}
