package org.relaygate.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One SMTP reply: the three-digit code, the RFC 3463 enhanced status code ("" for none, as in the
 * greeting and EHLO) and the text. A multi-line reply (EHLO) keeps its lines in {@code text}
 * separated by '\n'; {@link #render()} writes {@code 250-first}, ..., {@code 250 last} (RFC 5321 4.2.1).
 *
 * <p>Each line is made safe once, here: control characters become spaces and anything outside
 * printable US-ASCII becomes '?' (replies are ASCII, RFC 5321 2.4), so peer-supplied text such as
 * an address can never split a reply or smuggle a second one.
 */
public record SmtpReply(int code, String enhanced, String text) {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
    private static final int MAX_LINE = 510;

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        enhanced = enhanced == null ? "" : enhanced;
        if (!enhanced.isEmpty() && (!ENHANCED.matcher(enhanced).matches() || enhanced.charAt(0) != Character.forDigit(code / 100, 10))) {
            throw new IllegalArgumentException("enhanced code " + enhanced + " does not fit reply code " + code);
        }
        List<String> lines = new ArrayList<>();
        for (String line : (text == null ? "" : text).split("\n", -1)) {
            lines.add(ascii(line));
        }
        text = String.join("\n", lines);
    }

    /** A reply of several lines (EHLO), each rendered with the same code. */
    public static SmtpReply multiline(int code, String enhanced, List<String> lines) {
        return new SmtpReply(code, enhanced, String.join("\n", lines));
    }

    public List<String> lines() {
        return List.of(text.split("\n", -1));
    }

    /** A 4xx or 5xx reply. */
    public boolean isError() {
        return code >= 400;
    }

    /** The bytes for the wire, as text: every line ends in CRLF. */
    public String render() {
        List<String> lines = lines();
        StringBuilder sb = new StringBuilder(text.length() + 16 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder line = new StringBuilder(64).append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhanced.isEmpty()) {
                line.append(enhanced).append(' ');
            }
            line.append(lines.get(i));
            int end = line.length();
            while (end > 3 && line.charAt(end - 1) == ' ') {
                end--; // "250 " for an empty text would end in a space
            }
            sb.append(line, 0, Math.min(end, MAX_LINE)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render().strip();
    }

    private static String ascii(String line) {
        StringBuilder sb = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            char safe = c < ' ' || c == 0x7f ? ' ' : c > 0x7e ? '?' : c;
            if (safe != c) {
                if (sb == null) {
                    sb = new StringBuilder(line);
                }
                sb.setCharAt(i, safe);
            }
        }
        return sb == null ? line : sb.toString();
    }
}
