package org.relaygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mail.* block: defaults derived from smtp.hostname, and one clear line for a bad value. */
class MailSettingsTest {

    private static MailSettings load(Map<String, String> flags) {
        return RelaygateConfig.load(null, Map.of(), flags).mail();
    }

    @Test
    void defaults() {
        MailSettings m = load(Map.of("smtp.hostname", "relay.example.edu"));
        assertEquals("postmaster@relay.example.edu", m.from());
        assertEquals("postmaster@relay.example.edu", m.postmaster());
        assertEquals("relay.example.edu", m.relayHost());
        assertEquals(25, m.relayPort());
        assertTrue(m.notifyOnSuspend(), "suspensions are told by default");
        assertFalse(m.notifyOnBlock(), "postmaster blocks are \"without notice\" by default");
        assertEquals("", m.templatesDir());
        assertNull(m.smarthost());
        assertEquals(Duration.ofSeconds(1), m.pollInterval());
        assertEquals(Duration.ofSeconds(30), m.retryInitial());
        assertEquals(10, m.maxAttempts());
    }

    @Test
    void everyKeyCanBeSet() {
        MailSettings m = load(Map.of("mail.from", "relay-registry@example.edu", "mail.postmaster", "pm@example.edu",
                "mail.relay-host", "mail-relay.example.edu", "mail.relay-port", "587", "mail.notify-on-suspend", "off",
                "mail.notify-on-block", "yes", "mail.templates-dir", "/etc/relaygate/templates",
                "mail.smarthost", "smtp.example.edu:25", "mail.poll-interval", "5s", "mail.retry-initial", "1m"));
        assertEquals(new MailSettings("relay-registry@example.edu", "pm@example.edu", "mail-relay.example.edu", 587,
                false, true, "/etc/relaygate/templates", new HostPort("smtp.example.edu", 25), Duration.ofSeconds(5),
                Duration.ofMinutes(1), 10), m);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "mail.from              | Relay <r@example.edu> | mail.from: not a plain mail address (local@domain): Relay <r@example.edu>",
            "mail.postmaster        | postmaster            | mail.postmaster: not a plain mail address (local@domain): postmaster",
            "mail.relay-host        | relay host            | mail.relay-host: not a host name or address: relay host",
            "mail.relay-port        | 0                     | mail.relay-port: 0 is outside 1..65535",
            "mail.notify-on-block   | maybe                 | mail.notify-on-block: expected on or off (true or false), got maybe",
            "mail.smarthost         | smtp.example.edu      | mail.smarthost: expected HOST:PORT, got \"smtp.example.edu\"",
            "mail.max-attempts      | 0                     | mail.max-attempts: 0 is outside 1..1000",
            "mail.retry-initial     | soon                  | mail.retry-initial: not a duration: \"soon\" (use e.g. 500ms, 30s, 5m, 2h, 7d)",
    })
    void badValuesAreOneLineNamingTheKey(String key, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(Map.of(key, value)));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"a@example.edu, true", "first.last+tag@sub.example.edu, true", "a@b, true", "'', false", "a, false",
            "a b@example.edu, false", "<a@example.edu>, false", ".a@example.edu, false",
            "a..b@example.edu, false"})
    void plausibleAddresses(String address, boolean plausible) {
        assertEquals(plausible, MailSettings.plausibleAddress(address), address);
    }

    @Test
    void noLineBreakCanReachAHeader() {
        assertFalse(MailSettings.plausibleAddress("a@example.edu\r\nBcc: x@example.net"));
        assertFalse(MailSettings.plausibleAddress("a@example.edu\n"));
        assertFalse(MailSettings.plausibleAddress(null));
    }
}
