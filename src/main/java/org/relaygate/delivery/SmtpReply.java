package org.relaygate.delivery;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Text;

/** One (possibly multi-line) SMTP reply: the code and the text of each line. */
record SmtpReply(int code, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    SmtpReply {
        lines = List.copyOf(lines);
    }

    Outcome outcome() {
        return Outcome.ofCode(code);
    }

    boolean positive() {
        return code >= 200 && code < 300;
    }

    /** The reply on one line as logged and kept in the spool: {@code 250 2.0.0 Ok: queued as X}. */
    String oneLine() {
        StringBuilder sb = new StringBuilder().append(code);
        for (String line : lines) {
            if (!line.isEmpty()) {
                sb.append(' ').append(Text.oneLine(line));
            }
        }
        String s = sb.toString();
        return s.length() > 1000 ? s.substring(0, 1000) + "..." : s;
    }

    /** The enhanced status code (RFC 3463) at the start of the first line, or null. */
    String enhanced() {
        Matcher m = ENHANCED.matcher(lines.isEmpty() ? "" : lines.get(0));
        return m.find() ? m.group(1) : null;
    }

    /** EHLO keywords: whether the server announced {@code keyword} (first word of a line after the first). */
    boolean announces(String keyword) {
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).strip().split("[ =]", 2);
            if (words[0].equalsIgnoreCase(keyword)) {
                return true;
            }
        }
        return false;
    }
}
