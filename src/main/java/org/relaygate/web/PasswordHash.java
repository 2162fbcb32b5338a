package org.relaygate.web;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The postmaster password as configured ({@code http.postmaster-password-hash}):
 * {@code pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64}, PBKDF2 with HMAC-SHA256 from the JDK (no
 * dependency), a 16-byte random salt and a 32-byte key. New hashes use 600,000 iterations (OWASP's
 * figure for PBKDF2-HMAC-SHA256); a configured hash may use no fewer than 210,000. Verifying costs
 * a few hundred milliseconds of CPU on purpose: call it off the event loop.
 */
public final class PasswordHash {

    public static final String SCHEME = "pbkdf2-sha256";
    public static final int ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 210_000;
    // a bound so that a configured hash cannot make each login take minutes
    static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** Longer passwords are refused before hashing (an input bound, far above any real password). */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash line for the password, with a fresh salt and {@link #ITERATIONS}. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, ITERATIONS, salt);
    }

    /** The hash line for the password with this salt and iteration count (tests choose them). */
    public static String hash(String password, int iterations, byte[] salt) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password is longer than " + MAX_PASSWORD_LENGTH + " characters");
        }
        checkIterations(iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /**
     * Parses a configured hash line; IllegalArgumentException with a one-line reason (that never
     * repeats the line itself: it is a secret of sorts) when it is malformed.
     */
    public static PasswordHash parse(String line) {
        String[] parts = line == null ? new String[0] : line.strip().split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("expected " + SCHEME + "$ITERATIONS$SALT$HASH (make one with `relaygate hash-password`)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count is not a number");
        }
        checkIterations(iterations);
        byte[] salt = base64(parts[2], "salt");
        byte[] hash = base64(parts[3], "hash");
        if (salt.length < SALT_BYTES) {
            throw new IllegalArgumentException("the salt has " + salt.length + " bytes, expected at least " + SALT_BYTES);
        }
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("the hash has " + hash.length + " bytes, expected " + HASH_BYTES);
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether the password is the one hashed: constant time in the comparison (MessageDigest.isEqual). */
    public boolean matches(String password) {
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    int iterations() {
        return iterations;
    }

    private static void checkIterations(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count " + iterations + " is outside "
                    + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not base64");
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        // PBEKeySpec takes chars; PBKDF2WithHmacSHA256 feeds them to the HMAC as UTF-8 bytes.
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
