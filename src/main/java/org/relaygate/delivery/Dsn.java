package org.relaygate.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Text;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.MessageHeaders;
import org.relaygate.spool.QueuedMessage;

/**
 * A delivery status notification (RFC 3464) for recipients that failed for good: a
 * {@code multipart/report; report-type=delivery-status} with a human-readable part, the
 * {@code message/delivery-status} part and the original headers as {@code text/rfc822-headers}
 * (RFC 6522), from MAILER-DAEMON, sent with the null sender so it can never bounce itself. Pure.
 */
record Dsn(Envelope envelope, byte[] message) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final Pattern SMTP_REPLY = Pattern.compile("^([245])\\d\\d(?: ([245]\\.\\d{1,3}\\.\\d{1,3}))?(?:\\s|$)");
    private static final Pattern LOCAL_STATUS = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");
    private static final String CRLF = "\r\n";

    /** The DSN for {@code failures} of {@code original} (whose stored bytes are {@code originalMessage}). */
    static Dsn build(String hostname, QueuedMessage original, byte[] originalMessage,
                     List<AttemptResults.Failure> failures, Instant now, Duration lifetime) {
        byte[] headers = java.util.Arrays.copyOf(originalMessage, MessageHeaders.end(originalMessage));
        String boundary = boundary(original.id(), headers);
        String sender = Text.oneLine(original.envelope().sender());
        StringBuilder sb = new StringBuilder(2048);
        sb.append("From: MAILER-DAEMON@").append(hostname).append(" (Mail Delivery System)").append(CRLF)
                .append("To: <").append(sender).append('>').append(CRLF)
                .append("Subject: Undelivered Mail Returned to Sender").append(CRLF)
                .append("Date: ").append(DATE.format(now)).append(CRLF)
                .append("Message-ID: <").append(original.id()).append('.').append(now.toEpochMilli())
                .append(".dsn@").append(hostname).append('>').append(CRLF)
                .append("Auto-Submitted: auto-replied").append(CRLF)
                .append("MIME-Version: 1.0").append(CRLF)
                .append("Content-Type: multipart/report; report-type=delivery-status;").append(CRLF)
                .append("\tboundary=\"").append(boundary).append('"').append(CRLF)
                .append("Content-Transfer-Encoding: 8bit").append(CRLF)
                .append(CRLF)
                .append("This is a MIME-encapsulated message.").append(CRLF).append(CRLF);
        part(sb, boundary, "text/plain; charset=us-ascii");
        humanPart(sb, hostname, original, failures, lifetime);
        part(sb, boundary, "message/delivery-status");
        statusPart(sb, hostname, original, failures);
        part(sb, boundary, "text/rfc822-headers");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = (CRLF + "--" + boundary + "--" + CRLF).getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[head.length + headers.length + tail.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(headers, 0, message, head.length, headers.length);
        System.arraycopy(tail, 0, message, head.length + headers.length, tail.length);
        Envelope envelope = new Envelope("", hostname, "", List.of(original.envelope().sender()), now, "LOCAL");
        return new Dsn(envelope, message);
    }

    /** A boundary that cannot occur in the original headers, the only foreign text in the DSN. */
    private static String boundary(String id, byte[] headers) {
        String text = new String(headers, StandardCharsets.ISO_8859_1);
        String b = "relaygate-dsn-" + id;
        while (text.contains(b)) {
            b = b + "x";
        }
        return b;
    }

    private static void part(StringBuilder sb, String boundary, String contentType) {
        sb.append("--").append(boundary).append(CRLF)
                .append("Content-Type: ").append(contentType).append(CRLF)
                .append(CRLF);
    }

    private static void humanPart(StringBuilder sb, String hostname, QueuedMessage original,
                                  List<AttemptResults.Failure> failures, Duration lifetime) {
        sb.append("This is the mail system at host ").append(hostname).append('.').append(CRLF).append(CRLF)
                .append("Your message could not be delivered to one or more recipients.").append(CRLF)
                .append("It was received on ").append(DATE.format(original.envelope().receivedAt()))
                .append(" with queue id ").append(original.id()).append('.').append(CRLF).append(CRLF);
        for (AttemptResults.Failure f : failures) {
            sb.append('<').append(ascii(f.recipient())).append(">: ");
            if (f.expired()) {
                sb.append("delivery kept failing for ").append(lifetime.toHours() >= 48
                        ? lifetime.toDays() + " days" : lifetime.toSeconds() + " seconds").append("; last error: ");
            } else if (!f.relay().isEmpty() && SMTP_REPLY.matcher(f.text()).find()) {
                sb.append("host ").append(ascii(f.relay())).append(" said: ");
            }
            sb.append(ascii(f.text())).append(CRLF);
        }
        sb.append(CRLF);
    }

    private static void statusPart(StringBuilder sb, String hostname, QueuedMessage original,
                                   List<AttemptResults.Failure> failures) {
        sb.append("Reporting-MTA: dns; ").append(hostname).append(CRLF)
                .append("X-Relaygate-Queue-ID: ").append(original.id()).append(CRLF)
                .append("Arrival-Date: ").append(DATE.format(original.envelope().receivedAt())).append(CRLF);
        for (AttemptResults.Failure f : failures) {
            sb.append(CRLF)
                    .append("Final-Recipient: rfc822; ").append(ascii(f.recipient())).append(CRLF)
                    .append("Action: failed").append(CRLF)
                    .append("Status: ").append(status(f)).append(CRLF);
            boolean smtp = SMTP_REPLY.matcher(f.text()).find();
            if (smtp && !f.relay().isEmpty()) {
                sb.append("Remote-MTA: dns; ").append(ascii(relayHost(f.relay()))).append(CRLF);
            }
            sb.append("Diagnostic-Code: ").append(smtp ? "smtp; " : "X-Relaygate; ")
                    .append(ascii(f.text())).append(CRLF);
        }
        sb.append(CRLF);
    }

    /** RFC 3463 status: 4.4.7 when the message expired, else from the reply (or the class, X.0.0). */
    static String status(AttemptResults.Failure f) {
        if (f.expired()) {
            return "4.4.7";
        }
        Matcher smtp = SMTP_REPLY.matcher(f.text());
        if (smtp.find()) {
            return smtp.group(2) != null ? smtp.group(2) : smtp.group(1) + ".0.0";
        }
        Matcher local = LOCAL_STATUS.matcher(f.text());
        return local.find() ? local.group(1) : "5.0.0";
    }

    /** "mx.example.org[192.0.2.1]:25" or "127.0.0.1:2525" to the host name. */
    private static String relayHost(String relay) {
        int bracket = relay.indexOf('[');
        if (bracket > 0) {
            return relay.substring(0, bracket);
        }
        int colon = relay.lastIndexOf(':');
        return colon > 0 ? relay.substring(0, colon) : relay;
    }

    /** Text in the DSN's header-like fields: one line, 7-bit (RFC 3464 2.1.1 asks for US-ASCII). */
    private static String ascii(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : Text.oneLine(s).toCharArray()) {
            sb.append(c < 0x80 ? c : '?');
        }
        return sb.toString();
    }
}
