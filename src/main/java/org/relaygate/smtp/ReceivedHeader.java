package org.relaygate.smtp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The trace header the relay prepends (RFC 5321 4.4, laid out as Postfix writes it):
 * <pre>
 * Received: from printer.example.org (unknown [192.0.2.7])
 *         by relay.example.org (relaygate) with ESMTP id 0LXR3K2A0001
 *         for &lt;someone@example.net&gt;; Tue, 2 Jan 2024 10:00:00 +0000
 * </pre>
 * "for" only with exactly one recipient, so the header never discloses a Bcc list. The HELO name
 * comes from the peer: it is cut short and reduced to name characters, so it can neither break the
 * header's syntax nor fold a line.
 */
final class ReceivedHeader {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    private static final int MAX_HELO = 100;

    private ReceivedHeader() {
    }

    static String format(String helo, String clientAddress, String hostname, String protocol, String id,
                         List<String> recipients, Instant when) {
        String client = clientAddress.indexOf(':') >= 0 ? "IPv6:" + clientAddress : clientAddress;
        StringBuilder sb = new StringBuilder(256)
                .append("Received: from ").append(safeHelo(helo))
                .append(" (unknown [").append(client).append("])\r\n")
                .append("\tby ").append(hostname).append(" (relaygate) with ").append(protocol)
                .append(" id ").append(id);
        if (recipients.size() == 1) {
            sb.append("\r\n\tfor <").append(recipients.get(0)).append(">; ");
        } else {
            sb.append(";\r\n\t");
        }
        return sb.append(DATE.format(when)).append("\r\n").toString();
    }

    static String safeHelo(String helo) {
        String cut = helo.length() > MAX_HELO ? helo.substring(0, MAX_HELO) : helo;
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            boolean nameChar = c < 0x80 && Character.isLetterOrDigit(c) || ".-_:[]".indexOf(c) >= 0;
            sb.append(nameChar ? c : '_');
        }
        return sb.isEmpty() ? "unknown" : sb.toString();
    }
}
