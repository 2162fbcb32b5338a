package org.relaygate.delivery;

import java.io.ByteArrayOutputStream;

/**
 * The message as it goes out after DATA (RFC 5321 4.5.2): every line ends in CRLF, a line starting
 * with "." gets another ".", and {@code CRLF.CRLF} ends it. A bare CR or LF in what we stored is
 * turned into CRLF first, so that no byte sequence the receiving side accepted can end the data
 * early at the next hop (SMTP smuggling, CVE-2023-51764). Pure.
 */
final class DataEncoder {

    private DataEncoder() {
    }

    /** The encoded message, terminator included. */
    static byte[] encode(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 50 + 8);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++; // CRLF: one line end, not two
                }
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /** True when the message has a byte above 127 (then BODY=8BITMIME is declared where offered). */
    static boolean eightBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
