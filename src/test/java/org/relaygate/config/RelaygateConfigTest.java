package org.relaygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;

class RelaygateConfigTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("relaygate.properties");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static IllegalArgumentException refused(Path file, Map<String, String> env, Map<String, String> flags) {
        return assertThrows(IllegalArgumentException.class, () -> RelaygateConfig.load(file, env, flags));
    }

    @Test
    void defaultsAreValid() {
        RelaygateConfig c = RelaygateConfig.defaultConfig();
        assertEquals("./data", c.db());
        assertEquals(new HostPort("127.0.0.1", 10040), c.policyListen());
        assertEquals(4096, c.policyMaxLineLength());
        assertEquals(128, c.policyMaxAttributes());
        assertEquals(Duration.ofSeconds(600), c.policyIdleTimeout());
        assertEquals(1024, c.policyMaxConnections());
        assertEquals(Duration.ofMillis(500), c.registryPollInterval());
        assertEquals(16, c.minPrefixV4());
        assertEquals(48, c.minPrefixV6());
        assertEquals(65536, c.policyMaxRequestSize());
        assertNull(c.smtp().listen(), "the relay listener is off unless configured");
        assertEquals(10L << 20, c.smtp().maxMessageSize());
        assertEquals(SmtpSettings.BareLf.NORMALIZE, c.smtp().bareLf());
        assertNull(c.delivery().nextHop(), "no next hop: deliver to MX");
        assertEquals(Duration.ofMinutes(5), c.delivery().retryInitial());
        assertEquals(Duration.ofDays(5), c.delivery().maxLifetime());
        assertEquals(DecisionTexts.DEFAULTS, c.texts());
        assertEquals(LimitSettings.DEFAULTS, c.limits());
        assertEquals(new Limits(100, 50, 500), c.limits().defaults());
        assertEquals(c, RelaygateConfig.load(null, Map.of(), Map.of()));
        assertEquals(20_000, c.registryDeltaMaxChanges());
        assertEquals(Duration.ofHours(1), c.registryFullReloadInterval());
    }

    @Test
    void aBarePortForTheWebListenerMeansLoopback() {
        assertNull(RelaygateConfig.defaultConfig().http().listen(), "off by default");
        assertEquals(new HostPort("127.0.0.1", 8080),
                RelaygateConfig.load(null, Map.of(), Map.of("http.listen", "8080")).http().listen());
        assertEquals(new HostPort("0.0.0.0", 8080),
                RelaygateConfig.load(null, Map.of(), Map.of("http.listen", "0.0.0.0:8080")).http().listen());
    }

    @Test
    void trustedProxiesAreACommaSeparatedCidrList() {
        assertEquals(List.of(), RelaygateConfig.defaultConfig().http().trustedProxies());
        RelaygateConfig c = RelaygateConfig.load(null, Map.of(), Map.of("http.trusted-proxies", " 127.0.0.1, 10.1.0.0/16,,2001:db8::/64 "));
        assertEquals(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.1.0.0/16"), Cidr.parse("2001:db8::/64")),
                c.http().trustedProxies());
    }

    @Test
    void everyKeyHasAnEnvironmentName() {
        assertEquals(74, RelaygateConfig.DEFAULTS.size());
        for (String key : RelaygateConfig.DEFAULTS.keySet()) {
            assertTrue(RelaygateConfig.envName(key).matches("RELAYGATE_[A-Z0-9_]+"), key);
        }
        assertThrows(UnsupportedOperationException.class, () -> RelaygateConfig.DEFAULTS.put("x", "y"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "db, RELAYGATE_DB",
            "policy.listen, RELAYGATE_POLICY_LISTEN",
            "policy.max-line-length, RELAYGATE_POLICY_MAX_LINE_LENGTH",
            "registry.min-prefix-v6, RELAYGATE_REGISTRY_MIN_PREFIX_V6",
            "text.bad-client-address, RELAYGATE_TEXT_BAD_CLIENT_ADDRESS",
    })
    void envName(String key, String env) {
        assertEquals(env, RelaygateConfig.envName(key));
    }

    @Test
    void fileThenEnvironmentThenFlags() throws IOException {
        Path f = file("policy.max-attributes = 100\npolicy.max-connections=10\nregistry.poll-interval=2s\n# comment\n");
        Map<String, String> env = Map.of("RELAYGATE_POLICY_MAX_ATTRIBUTES", "200", "RELAYGATE_POLICY_MAX_CONNECTIONS", "20");
        Map<String, String> flags = Map.of("policy.max-attributes", "300");

        RelaygateConfig all = RelaygateConfig.load(f, env, flags);
        assertEquals(300, all.policyMaxAttributes(), "a flag beats the environment");
        assertEquals(20, all.policyMaxConnections(), "the environment beats the file");
        assertEquals(Duration.ofSeconds(2), all.registryPollInterval(), "the file beats the default");
        assertEquals(4096, all.policyMaxLineLength(), "the default stays");

        assertEquals(200, RelaygateConfig.load(f, env, Map.of()).policyMaxAttributes());
        assertEquals(100, RelaygateConfig.load(f, Map.of(), Map.of()).policyMaxAttributes());
        assertEquals(300, RelaygateConfig.load(null, Map.of(), flags).policyMaxAttributes());
    }

    @Test
    void configFileFromTheEnvironmentUnlessOneIsGiven() throws IOException {
        Path fromEnv = file("policy.max-attributes=111\n");
        Path given = dir.resolve("given.properties");
        Files.writeString(given, "policy.max-attributes=222\n");
        Map<String, String> env = Map.of("RELAYGATE_CONFIG", fromEnv.toString());
        assertEquals(111, RelaygateConfig.load(null, env, Map.of()).policyMaxAttributes());
        assertEquals(222, RelaygateConfig.load(given, env, Map.of()).policyMaxAttributes());
    }

    @Test
    void nullFlagValuesAreUnset() {
        Map<String, String> flags = new HashMap<>();
        flags.put("policy.listen", null);
        flags.put("db", "/srv/relaygate");
        RelaygateConfig c = RelaygateConfig.load(null, Map.of(), flags);
        assertEquals(new HostPort("127.0.0.1", 10040), c.policyListen());
        assertEquals("/srv/relaygate", c.db());
    }

    @Test
    void textsFromTheFileAreUsedAndChecked() throws IOException {
        Path f = file("text.register=https://relay.example/register\ntext.blocked=5.7.1 Go away {client}\n");
        RelaygateConfig c = RelaygateConfig.load(f, Map.of(), Map.of());
        assertEquals("https://relay.example/register", c.texts().register());
        assertEquals("5.7.1 Go away {client}", c.texts().blocked());
        assertEquals("text.pending must start with an RFC 3463 code such as 5.7.1: \"pending\"",
                refused(file("text.pending=pending\n"), Map.of(), Map.of()).getMessage());
        assertEquals("text.postmaster must not be empty",
                refused(null, Map.of("RELAYGATE_TEXT_POSTMASTER", " "), Map.of()).getMessage());
        assertEquals("text.register must be one line",
                refused(null, Map.of(), Map.of("text.register", "a\nb")).getMessage());
    }

    @Test
    void unknownKeyInTheFileIsRefusedByName() throws IOException {
        Path f = file("policy.listen=127.0.0.1:1\npolicy.max-lines=5\n");
        IllegalArgumentException e = refused(f, Map.of(), Map.of());
        assertEquals("config file " + f + ": key policy.max-lines is not a relaygate setting", e.getMessage());
    }

    @Test
    void unknownFlagIsRefusedByName() {
        IllegalArgumentException e = refused(null, Map.of(), Map.of("policy.listn", "127.0.0.1:1"));
        assertEquals("flag policy.listn is not a relaygate setting", e.getMessage());
    }

    @Test
    void otherEnvironmentVariablesAreIgnored() {
        Map<String, String> env = Map.of("RELAYGATE_NO_SUCH_KEY", "x", "PATH", "/bin", "RELAYGATE_DB", "/tmp/x");
        assertEquals("/tmp/x", RelaygateConfig.load(null, env, Map.of()).db());
    }

    @Test
    void unreadableOrMalformedFileIsOneClearError() throws IOException {
        Path missing = dir.resolve("nope.properties");
        IllegalArgumentException e = refused(missing, Map.of(), Map.of());
        assertEquals("cannot read config file " + missing + ": no such file", e.getMessage());
        Path bad = file("text.register=caf\\u00zz\n");
        e = refused(bad, Map.of(), Map.of());
        assertEquals("cannot read config file " + bad + ": Malformed \\uxxxx encoding.", e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "policy.max-line-length | 4k           | policy.max-line-length: not a whole number: 4k",
            "policy.max-line-length | 255          | policy.max-line-length: 255 is outside 256..1048576",
            "policy.max-line-length | 1048577      | policy.max-line-length: 1048577 is outside 256..1048576",
            "policy.max-line-length | 99999999999  | policy.max-line-length: 99999999999 is outside 256..1048576",
            "policy.max-attributes  | 7            | policy.max-attributes: 7 is outside 8..10000",
            "policy.max-attributes  | -1           | policy.max-attributes: -1 is outside 8..10000",
            "policy.max-attributes  | 1.5          | policy.max-attributes: not a whole number: 1.5",
            "policy.max-attributes  | ''           | policy.max-attributes must not be empty",
            "policy.max-connections | 0            | policy.max-connections: 0 is outside 1..1000000",
            "registry.min-prefix-v4 | 33           | registry.min-prefix-v4: 33 is outside 0..32",
            "registry.min-prefix-v6 | 129          | registry.min-prefix-v6: 129 is outside 0..128",
            "policy.idle-timeout    | 0            | policy.idle-timeout: must be positive",
            "policy.idle-timeout    | 0ms          | policy.idle-timeout: must be positive",
            "policy.idle-timeout    | 10 minutes   | policy.idle-timeout: not a duration: \"10 minutes\" (use e.g. 500ms, 30s, 5m, 2h, 7d)",
            "policy.idle-timeout    | ''           | policy.idle-timeout must not be empty",
            "registry.poll-interval | -1s          | registry.poll-interval: not a duration: \"-1s\" (use e.g. 500ms, 30s, 5m, 2h, 7d)",
            "policy.listen          | 127.0.0.1    | policy.listen: expected HOST:PORT, got \"127.0.0.1\"",
            "policy.listen          | ::1:10040    | policy.listen: write an IPv6 host in brackets, as in [::1]:10040: got \"::1:10040\"",
            "policy.listen          | host:70000   | policy.listen: port out of range: 70000",
            "policy.listen          | host:http    | policy.listen: bad port in \"host:http\"",
            "policy.listen          | ''           | policy.listen: expected HOST:PORT, got \"\"",
            "smtp.listen            | 127.0.0.1    | smtp.listen: expected HOST:PORT, got \"127.0.0.1\"",
            "delivery.next-hop      | relay:smtp   | delivery.next-hop: bad port in \"relay:smtp\"",
            "spool.dir              | ' '          | spool.dir must not be empty",
            "db                     | '  '         | db must not be empty",
            "limits.messages-per-hour | -1         | limits.messages-per-hour: -1 is outside 0..1000000",
            "limits.recipients-per-message | x     | limits.recipients-per-message: not a whole number: x",
            "limits.recipients-per-hour | 100000001 | limits.recipients-per-hour: 100000001 is outside 0..100000000",
            "limits.window          | 500ms        | limits.window: 500ms is outside 1s..1d",
            "limits.window          | 2d           | limits.window: 2d is outside 1s..1d",
            "limits.window          | hour         | limits.window: not a duration: \"hour\" (use e.g. 500ms, 30s, 5m, 2h, 7d)",
            "limits.auto-suspend    | maybe        | limits.auto-suspend: expected on or off (true or false), got maybe",
            "limits.auto-suspend-factor | 1        | limits.auto-suspend-factor: 1 is outside 2..1000",
            "http.trusted-proxies   | 10.0.0.1/8   | http.trusted-proxies: \"10.0.0.1/8\" has host bits set; did you mean 10.0.0.0/8?",
            "http.trusted-proxies   | proxy.local  | http.trusted-proxies: not an IP address or CIDR: \"proxy.local\"",
            "text.rate-limited      | 5.7.1 no     | text.rate-limited must start with an RFC 3463 code such as 4.7.1 (a temporary refusal): \"5.7.1 no\"",
    })
    void badValuesAreRefusedNamingTheKey(String key, String value, String message) {
        assertEquals(message, refused(null, Map.of(), Map.of(key, value)).getMessage(), "as a flag");
        assertEquals(message, refused(null, Map.of(RelaygateConfig.envName(key), value), Map.of()).getMessage(), "from the environment");
    }

    @Test
    void badValueInTheFileNamesTheKey() throws IOException {
        IllegalArgumentException e = refused(file("policy.max-connections=lots\n"), Map.of(), Map.of());
        assertEquals("policy.max-connections: not a whole number: lots", e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "500ms          | PT0.5S",
            "0ms            | PT0S",
            "30s            | PT30S",
            "30             | PT30S",
            "5m             | PT5M",
            "2h             | PT2H",
            "7d             | PT168H",
            "' 15S '        | PT15S",
            "1MS            | PT0.001S",
            "999999999999d  | PT23999999999976H",
            "0              | PT0S",
    })
    void parseDuration(String text, Duration expected) {
        assertEquals(expected, RelaygateConfig.parseDuration(text));
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @CsvSource(delimiter = '|', value = {"''", "s", "ms", "-5s", "+5s", "1.5s", "5 s", "5sec", "5min", "5w", "1y",
            "1000000000000d", "5s5", "5ms s", "PT5S", "\u0665s"})
    void parseDurationRefuses(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelaygateConfig.parseDuration(text));
        assertEquals("not a duration: \"" + text + "\" (use e.g. 500ms, 30s, 5m, 2h, 7d)", e.getMessage());
    }

    @Test
    void copiesChangeOneThing() {
        RelaygateConfig c = RelaygateConfig.defaultConfig();
        RelaygateConfig listen = c.withPolicyListen(new HostPort("::1", 0));
        assertEquals(new HostPort("::1", 0), listen.policyListen());
        assertEquals(c, listen.withPolicyListen(c.policyListen()));
        RelaygateConfig db = c.withDb("jdbc:h2:mem:x");
        assertEquals("jdbc:h2:mem:x", db.db());
        assertEquals(c, db.withDb(c.db()));
    }

    @Test
    void loadKeepsTheCallersMapsUntouched() {
        Map<String, String> flags = new LinkedHashMap<>(Map.of("db", "/x"));
        RelaygateConfig.load(null, Map.of(), flags);
        assertEquals(Map.of("db", "/x"), flags);
    }

    @ParameterizedTest(name = "policy.listen={0}, smtp.listen={1}")
    @CsvSource(delimiter = '|', value = {
            "off         | ''             | false | false",
            "OFF         | 127.0.0.1:25   | false | true",
            "127.0.0.1:0 | off            | true  | false",
            "127.0.0.1:0 | ' Off '        | true  | false",
            "[::1]:0     | [::1]:2525     | true  | true",
    })
    void eitherListenerCanBeOff(String policy, String smtp, boolean policyOn, boolean smtpOn) {
        RelaygateConfig c = RelaygateConfig.load(null, Map.of(), Map.of("policy.listen", policy, "smtp.listen", smtp));
        assertEquals(policyOn, c.policyListen() != null, "policy server on");
        assertEquals(smtpOn, c.smtp().enabled(), "relay on");
    }

    @Test
    void relaySettingsParseAndRefuseHalfATlsPair() {
        RelaygateConfig c = RelaygateConfig.load(null, Map.of(), Map.of("smtp.listen", "127.0.0.1:2525",
                "delivery.next-hop", "[::1]:25", "delivery.dns-servers", "127.0.0.1:53, [::1]:5353", "smtp.bare-lf", "REJECT"));
        assertEquals(new HostPort("127.0.0.1", 2525), c.smtp().listen());
        assertEquals(new HostPort("::1", 25), c.delivery().nextHop());
        assertEquals(List.of(new HostPort("127.0.0.1", 53), new HostPort("::1", 5353)), c.delivery().dnsServers());
        assertEquals(SmtpSettings.BareLf.REJECT, c.smtp().bareLf());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RelaygateConfig.load(null, Map.of(), Map.of("smtp.tls-cert", "/x.pem")));
        assertTrue(e.getMessage().contains("smtp.tls-key"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RelaygateConfig.load(null, Map.of(), Map.of("smtp.bare-lf", "maybe")));
        assertTrue(e.getMessage().startsWith("smtp.bare-lf"), e.getMessage());
    }

    @Test
    void limitSettingsParse() throws IOException {
        RelaygateConfig c = RelaygateConfig.load(file("limits.messages-per-hour=0\nlimits.window=10s\nlimits.auto-suspend=off\n"),
                Map.of("RELAYGATE_LIMITS_RECIPIENTS_PER_MESSAGE", "7", "RELAYGATE_LIMITS_AUTO_SUSPEND_FACTOR", "3"),
                Map.of("limits.recipients-per-hour", "20", "text.rate-limited", "4.7.0 slow down: {limit}"));
        assertEquals(new LimitSettings(new Limits(0, 7, 20), Duration.ofSeconds(10), false, 3), c.limits());
        assertEquals("4.7.0 slow down: {limit}", c.texts().rateLimited());
        for (String on : new String[] {"on", "true", "YES"}) {
            assertTrue(RelaygateConfig.load(null, Map.of(), Map.of("limits.auto-suspend", on)).limits().autoSuspend(), on);
        }
    }
}
