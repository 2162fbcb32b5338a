package org.relaygate.spool;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The escaping of values in spool files: {@code %}, space and control characters become
 * {@code %XX} (of their UTF-8 bytes), so a value is one token that can never split a line or a
 * field, whatever a client put into its envelope. {@code -} alone stands for the empty value.
 */
final class SpoolText {

    static final String EMPTY = "-";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SpoolText() {
    }

    static String escape(String value) {
        if (value == null || value.isEmpty()) {
            return EMPTY;
        }
        if (value.equals(EMPTY)) {
            return "%2D";
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '%' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                // All of these are single UTF-8 bytes except C1 controls and the separators.
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
            } else {
                sb.append(c); // non-ASCII text stays readable UTF-8
            }
        }
        return sb.toString();
    }

    static String unescape(String token) {
        if (token.equals(EMPTY)) {
            return "";
        }
        if (token.indexOf('%') < 0) {
            return token;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                if (i + 2 >= bytes.length) {
                    throw new IllegalArgumentException("bad escape in " + token);
                }
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape in " + token);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
