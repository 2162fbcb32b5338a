package org.relaygate.notify;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.relaygate.policy.Text;

/** RFC 2047 encoded-words for the Subject and RFC 2045 quoted-printable for bodies. Pure. */
final class HeaderEncoding {

    /** UTF-8 bytes per encoded-word: base64 of 45 bytes is 60 characters, 72 with =?UTF-8?B?...?= (limit 75). */
    private static final int WORD_BYTES = 45;
    private static final int QP_LINE = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderEncoding() {
    }

    /** The whole {@code Subject:} field, without its CRLF; folded where it is long. */
    static String subject(String subject) {
        String s = Text.oneLine(subject).strip();
        boolean ascii = s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (ascii && !s.contains("=?") && s.length() <= 998 - 9) {
            return fold("Subject: " + s);
        }
        StringBuilder out = new StringBuilder("Subject:");
        int i = 0;
        while (i < s.length()) {
            int end = wordEnd(s, i);
            byte[] chunk = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
            out.append(i == 0 ? " " : "\r\n ").append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            i = end;
        }
        return out.toString();
    }

    /** Folds a plain field before spaces so that lines stay within 78 characters where possible (RFC 5322 2.2.3). */
    static String fold(String field) {
        StringBuilder out = new StringBuilder(field.length() + 8);
        int start = 0;
        while (field.length() - start > 78) {
            int cut = field.lastIndexOf(' ', start + 78);
            if (cut <= start + 9) {
                break; // one long word: leave it (lines may be up to 998)
            }
            out.append(field, start, cut).append("\r\n");
            start = cut; // the space begins the continuation line
        }
        return out.append(field, start, field.length()).toString();
    }

    /** The end of the longest run from {@code start} of whole code points whose UTF-8 fits one word. */
    private static int wordEnd(String s, int start) {
        int bytes = 0;
        int i = start;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > WORD_BYTES) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return i;
    }

    /** {@code text} (CRLF line ends) as quoted-printable with CRLF line ends and soft breaks at 76 characters. */
    static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder(text.length() * 3 / 2);
        for (String line : text.split("\r\n", -1)) {
            if (out.length() > 0) {
                out.append("\r\n");
            }
            encodeLine(out, line.getBytes(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static void encodeLine(StringBuilder out, byte[] line) {
        int width = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xff;
            boolean last = i == line.length - 1;
            // RFC 2045 6.7: printable ASCII but "=" as is; space and tab too, except at the line's end.
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
            String piece = literal ? String.valueOf((char) b) : "=" + HEX[b >> 4] + HEX[b & 0xf];
            if (width + piece.length() > QP_LINE - 1) {
                out.append("=\r\n");
                width = 0;
            }
            out.append(piece);
            width += piece.length();
        }
    }
}
