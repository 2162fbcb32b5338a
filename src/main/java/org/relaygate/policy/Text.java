package org.relaygate.policy;

/** Small text helpers for messages that reach users, logs and SMTP replies. */
public final class Text {
    private Text() {
    }

    /** Quotes a user-supplied value for an error message, cut short and with control characters shown. */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return '"' + oneLine(shown) + '"';
    }

    /**
     * Replaces control characters (CR, LF, NUL, ..., the C1 range with NEL) and the Unicode line and
     * paragraph separators by spaces, so a value can never split a protocol or log line.
     */
    public static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (sb == null) {
                    sb = new StringBuilder(value);
                }
                sb.setCharAt(i, ' ');
            }
        }
        return sb == null ? value : sb.toString();
    }
}
