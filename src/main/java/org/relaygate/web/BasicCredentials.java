package org.relaygate.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP Basic credentials (RFC 7617) from an Authorization header: user and password, UTF-8. Pure. */
record BasicCredentials(String user, String password) {

    /** Longer headers are not credentials anyone meant to send. */
    static final int MAX_HEADER = 4096;

    /** The credentials, or null when the header is absent, not Basic, not base64 or without a colon. */
    static BasicCredentials parse(String header) {
        if (header == null || header.length() > MAX_HEADER) {
            return null;
        }
        String h = header.strip();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
