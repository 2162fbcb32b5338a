package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.relaygate.config.SmtpSettings;
import org.relaygate.policy.PolicyRequest;

/**
 * A pure SMTP conversation in the style of SubEthaSMTP's tests: {@code send("MAIL FROM:<a@b>")}
 * then {@code expect("250 2.1.0")}. It plays the shell's part without sockets: it feeds DATA to the
 * session's decoder and "stores" accepted messages in a list (or fails, when told to).
 */
final class Transcript {

    /** A message the fake spool took. */
    record Stored(Envelope envelope, String message, String id) {
    }

    static final Instant NOW = Instant.parse("2024-01-02T10:00:00Z");

    final SmtpSession session;
    final List<PolicyRequest> asked = new ArrayList<>();
    final List<Stored> stored = new ArrayList<>();
    boolean spoolFails;
    /** Bytes of the last {@link #data} call that came after the end of data. */
    String afterData = "";
    private String last;
    private final AtomicInteger ids = new AtomicInteger();

    Transcript(SmtpSettings settings, RelayPolicy policy, String client, boolean tls) {
        this(settings, policy, client, tls, "ID");
    }

    /** With its own message ids (the policy's instance): sessions sharing one rate limiter must not collide. */
    Transcript(SmtpSettings settings, RelayPolicy policy, String client, boolean tls, String idPrefix) {
        RelayPolicy recording = request -> {
            asked.add(request);
            return policy.decide(request);
        };
        session = new SmtpSession(settings, recording, client, tls, Clock.fixed(NOW, ZoneOffset.UTC),
                () -> idPrefix + ids.incrementAndGet());
        last = session.greeting().render();
    }

    Transcript send(String line) {
        SmtpReply reply = session.onLine(line);
        last = reply == null ? null : reply.render();
        return this;
    }

    /** The last reply starts with {@code prefix} (its final CRLF is not part of the comparison). */
    Transcript expect(String prefix) {
        assertTrue(last != null && last.startsWith(prefix), () -> "expected \"" + prefix + "...\" but got " + show(last));
        return this;
    }

    /** The last reply is exactly {@code rendered}, CRLFs included. */
    Transcript expectExactly(String rendered) {
        assertEquals(rendered, last);
        return this;
    }

    /** The last reply as rendered, or null. */
    String last() {
        return last;
    }

    /** The last line got no reply at all. */
    Transcript expectNoReply() {
        assertNull(last, "expected no reply");
        return this;
    }

    Transcript expectMode(SmtpSession.Mode mode) {
        assertEquals(mode, session.mode());
        return this;
    }

    /** Sends the raw bytes after 354 (ISO-8859-1, so each char is one byte) and plays the spool. */
    Transcript data(String raw) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        DataDecoder decoder = session.openMessage(message::write);
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        int used = decoder.feed(bytes, 0, bytes.length);
        assertTrue(decoder.finished(), "the data did not end");
        afterData = raw.substring(used);
        SmtpSession.DataEnd end = session.endOfData(decoder);
        if (end instanceof SmtpSession.Refused refused) {
            last = refused.reply().render();
        } else if (spoolFails) {
            last = session.notQueued().render();
        } else {
            SmtpSession.Accepted accepted = (SmtpSession.Accepted) end;
            String id = "Q" + (stored.size() + 1);
            stored.add(new Stored(accepted.envelope(), message.toString(StandardCharsets.ISO_8859_1), id));
            last = session.queued(id).render();
        }
        return this;
    }

    /** A complete transaction up to and including the 354. */
    Transcript transactionTo(String... recipients) {
        send("MAIL FROM:<device@example.org>").expect("250 2.1.0");
        for (String r : recipients) {
            send("RCPT TO:<" + r + ">").expect("250 2.1.5");
        }
        return send("DATA").expect("354 ");
    }

    private static String show(String s) {
        return s == null ? "no reply" : "\"" + s.replace("\r\n", "\\r\\n") + "\"";
    }
}
