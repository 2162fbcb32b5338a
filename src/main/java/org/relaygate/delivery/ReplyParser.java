package org.relaygate.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles SMTP replies from lines (RFC 5321 4.2: {@code 250-first}, ..., {@code 250 last}). Pure.
 * Anything else is a protocol error: the connection cannot be trusted and is dropped (a temporary
 * failure for the recipients).
 */
final class ReplyParser {

    /** A reply longer than this is not a server talking SMTP. */
    static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    /** Feeds one line (without its line end); returns the reply it completes, or null. */
    SmtpReply onLine(String line) {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            throw new IllegalArgumentException("not an SMTP reply line: " + abbreviate(line));
        }
        int lineCode = parseCode(line);
        if (code >= 0 && lineCode != code) {
            throw new IllegalArgumentException("reply code changed in a multi-line reply: " + abbreviate(line));
        }
        if (lines.size() >= MAX_LINES) {
            throw new IllegalArgumentException("reply longer than " + MAX_LINES + " lines");
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() > 3 && line.charAt(3) == '-') {
            return null;
        }
        SmtpReply reply = new SmtpReply(code, lines);
        lines.clear();
        code = -1;
        return reply;
    }

    /** True between the first and the last line of a reply. */
    boolean inReply() {
        return code >= 0;
    }

    private static int parseCode(String line) {
        int c0 = line.charAt(0) - '0';
        int c1 = line.charAt(1) - '0';
        int c2 = line.charAt(2) - '0';
        if (c0 < 2 || c0 > 5 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) {
            throw new IllegalArgumentException("not an SMTP reply code: " + abbreviate(line));
        }
        return c0 * 100 + c1 * 10 + c2;
    }

    private static String abbreviate(String line) {
        return org.relaygate.policy.Text.quote(line);
    }
}
