package org.relaygate.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.relaygate.smtp.Envelope;

/**
 * The header of a {@code .msg} file (format in {@link Spool}): {@code key: value} lines, values
 * escaped by {@link SpoolText}, ended by an empty line; the message bytes follow. Pure: no files.
 */
final class MessageCodec {

    static final String MAGIC = "relaygate-spool 1";
    /** A header longer than this is damage, not a message (100,000 recipients fit easily). */
    private static final int MAX_HEADER = 64 << 20;

    /** What the header says; {@code headerLength} is where the message bytes start. */
    record Header(String id, Envelope envelope, long size, long headerLength) {
    }

    private MessageCodec() {
    }

    static byte[] header(String id, Envelope e, long size) {
        StringBuilder sb = new StringBuilder(256 + 64 * e.recipients().size());
        sb.append(MAGIC).append('\n');
        line(sb, "id", id);
        line(sb, "received", e.receivedAt().toString());
        line(sb, "client", e.clientAddress());
        line(sb, "helo", e.heloName());
        line(sb, "protocol", e.protocol());
        line(sb, "sender", e.sender());
        for (String r : e.recipients()) {
            line(sb, "recipient", r);
        }
        line(sb, "size", Long.toString(size));
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append(": ").append(SpoolText.escape(value)).append('\n');
    }

    /** Reads the header from the start of a {@code .msg} file; IOException when it is not one. */
    static Header parse(InputStream in) throws IOException {
        String first = readLine(in);
        if (!MAGIC.equals(first)) {
            throw new IOException("not a relaygate spool file (first line " + first + ")");
        }
        long consumed = first.length() + 1;
        Map<String, String> fields = new HashMap<>();
        List<String> recipients = new ArrayList<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            consumed += line.getBytes(StandardCharsets.UTF_8).length + 1;
            if (consumed > MAX_HEADER) {
                throw new IOException("header longer than " + MAX_HEADER + " bytes");
            }
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new IOException("bad header line: " + line);
            }
            String key = line.substring(0, colon);
            String value = unescape(line.substring(colon + 2));
            if (key.equals("recipient")) {
                recipients.add(value);
            } else {
                fields.put(key, value); // keys of a later version are kept but not used, as the format promises
            }
        }
        if (!fields.keySet().containsAll(List.of("id", "received", "sender", "size")) || recipients.isEmpty()) {
            throw new IOException("header lacks id, received, sender, size or recipients");
        }
        Envelope envelope = new Envelope(fields.getOrDefault("client", ""), fields.getOrDefault("helo", ""),
                fields.get("sender"), recipients, instant(fields.get("received")), fields.getOrDefault("protocol", ""));
        return new Header(fields.get("id"), envelope, number(fields.get("size")), consumed + 1);
    }

    private static String unescape(String token) throws IOException {
        try {
            return SpoolText.unescape(token);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static Instant instant(String text) throws IOException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IOException("bad time: " + text);
        }
    }

    private static long number(String text) throws IOException {
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad size: " + text);
        }
    }

    /** One LF-terminated line as UTF-8; EOF before the LF is damage. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("truncated header");
            }
            if (line.size() >= MAX_HEADER) {
                throw new IOException("header line too long");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
