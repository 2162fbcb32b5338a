package org.relaygate.spool;

import java.nio.charset.StandardCharsets;

/** The header block of a stored message, for {@code queue show} and for bounces. Pure. */
public final class MessageHeaders {

    /** Enough for any sane header block; a longer one is cut at a line end. */
    public static final int MAX = 64 * 1024;

    private MessageHeaders() {
    }

    /** The headers as text (malformed UTF-8 shows as U+FFFD). */
    public static String text(byte[] message) {
        return new String(message, 0, end(message), StandardCharsets.UTF_8);
    }

    /**
     * The length of the header block, up to and including the line end of its last header, without
     * the empty line after it; at most {@link #MAX} bytes, cut at a line end.
     */
    public static int end(byte[] m) {
        int limit = Math.min(m.length, MAX);
        int lineStart = 0;
        for (int i = 0; i < limit; i++) {
            if (m[i] == '\n') {
                int lineLength = i - lineStart - (i > lineStart && m[i - 1] == '\r' ? 1 : 0);
                if (lineLength == 0) {
                    return lineStart;
                }
                lineStart = i + 1;
            }
        }
        return m.length <= MAX ? m.length : lineStart;
    }
}
