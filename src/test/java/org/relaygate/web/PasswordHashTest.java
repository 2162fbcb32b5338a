package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

    private static final byte[] SALT = new byte[16];

    @Test
    void aHashMatchesItsPasswordOnly() {
        PasswordHash h = PasswordHash.parse(PasswordHash.hash("correct horse", PasswordHash.MIN_ITERATIONS, SALT));
        assertTrue(h.matches("correct horse"));
        assertFalse(h.matches("correct horse "));
        assertFalse(h.matches("Correct horse"));
        assertFalse(h.matches(""));
        assertFalse(h.matches(null));
    }

    @Test
    void theFormatIsSchemeIterationsSaltHash() {
        String line = PasswordHash.hash("pw", PasswordHash.MIN_ITERATIONS, SALT);
        String[] parts = line.split("\\$");
        assertEquals(4, parts.length, line);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("210000", parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
    }

    @Test
    void newHashesUseAFreshSaltAndTheFullIterationCount() {
        String a = PasswordHash.hash("same");
        String b = PasswordHash.hash("same");
        assertNotEquals(a, b);
        assertEquals(PasswordHash.ITERATIONS, PasswordHash.parse(a).iterations());
        assertTrue(PasswordHash.ITERATIONS >= PasswordHash.MIN_ITERATIONS);
        assertTrue(PasswordHash.parse(b).matches("same"));
    }

    @Test
    void nonAsciiPasswordsWork() {
        PasswordHash h = PasswordHash.parse(PasswordHash.hash("Grüße, 世界", PasswordHash.MIN_ITERATIONS, SALT));
        assertTrue(h.matches("Grüße, 世界"));
        assertFalse(h.matches("Grusse, 世界"));
    }

    @Test
    void emptyAndOverlongPasswordsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash(""));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash("x".repeat(PasswordHash.MAX_PASSWORD_LENGTH + 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "secret",
        "pbkdf2-sha1$210000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$many$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$210000$not*base64$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$210000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$extra",
    })
    void malformedHashesFailWithOneLineThatDoesNotRepeatThem(String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(line));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(line.length() < 8 || !e.getMessage().contains(line), e.getMessage());
    }

    @Test
    void aConfiguredHashIsNamedInTheError() {
        var http = new org.relaygate.config.HttpSettings(null, 65536, 256, java.time.Duration.ofSeconds(60), 5,
                "pbkdf2-sha256$12$x$y", java.time.Duration.ofMinutes(30), true, "", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostmasterAuth.configuredHash(http));
        assertTrue(e.getMessage().startsWith("http.postmaster-password-hash is malformed: "), e.getMessage());
    }
}
