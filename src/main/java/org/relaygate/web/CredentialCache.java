package org.relaygate.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Postmaster credentials verified a moment ago, so that a script's series of Basic-auth calls pays
 * for PBKDF2 (a few hundred ms of CPU) once, not per call. Only successes are remembered, as an
 * HMAC-SHA256 of {@code name:password} under a random key made at start: the cache holds no password
 * nor anything to test guesses against offline. Each entry lives {@code ttl} from its verification
 * (not renewed by use); at most {@code maxEntries}, the oldest dropped first. Thread-safe.
 */
final class CredentialCache {

    static final Duration TTL = Duration.ofMinutes(5);
    static final int MAX_ENTRIES = 64;
    private static final String HMAC = "HmacSHA256";

    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final Mac mac;
    /** HMAC (base64) to the millis it was verified at; insertion order = oldest first. */
    private final Map<String, Long> verified = new LinkedHashMap<>();

    CredentialCache(Duration ttl, int maxEntries, Clock clock, byte[] key) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        try {
            this.mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The standard cache with a fresh random key. */
    static CredentialCache standard() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new CredentialCache(TTL, MAX_ENTRIES, Clock.systemUTC(), key);
    }

    /** Whether these credentials were verified less than {@code ttl} ago. */
    synchronized boolean verified(String name, String password) {
        String key = key(name, password);
        Long at = verified.get(key);
        if (at == null) {
            return false;
        }
        if (clock.millis() - at >= ttl.toMillis()) {
            verified.remove(key);
            return false;
        }
        return true;
    }

    /** Remembers credentials PBKDF2 has just accepted. Never call this for a failed check. */
    synchronized void remember(String name, String password) {
        String key = key(name, password);
        verified.remove(key); // re-inserted at the end: the newest
        verified.put(key, clock.millis());
        var oldest = verified.keySet().iterator();
        while (verified.size() > maxEntries) {
            oldest.next();
            oldest.remove();
        }
    }

    synchronized int size() {
        return verified.size();
    }

    private String key(String name, String password) {
        // the name's length first: a page login's name may hold a colon, and "a:b" + "c" is not "a" + "b:c"
        byte[] digest = mac.doFinal((name.length() + ":" + name + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }
}
