package org.relaygate.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.config.MailSettings;
import org.relaygate.registry.OutboxEntry;
import org.relaygate.registry.OutboxKind;

/** The RFC 5322 message of a notice, its encodings, and how a row becomes one. */
class MailMessageTest {

    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    static final MailSettings MAIL = new MailSettings("postmaster@relay.example.edu", "pm@example.edu",
            "mail-relay.example.edu", 25, true, false, "", null, Duration.ofSeconds(1), Duration.ofSeconds(30), 10);

    private static String build(String subject, String body) {
        return new String(MailMessage.build("postmaster@relay.example.edu", "a@example.edu", subject, body, NOW,
                "<x@relay.example.edu>", true), StandardCharsets.UTF_8);
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (.*(?:\r\n[ \t].*)*)\r\n").matcher(message.substring(0, message.indexOf("\r\n\r\n") + 2));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void anAsciiNoticeIsPlain7bitWithEveryHeaderAndOnlyCrlf() {
        String m = build("Registration #7 approved", "Hello,\nline two\r\nlast");
        assertEquals("postmaster@relay.example.edu", header(m, "From"));
        assertEquals("a@example.edu", header(m, "To"));
        assertEquals("Registration #7 approved", header(m, "Subject"));
        assertEquals("Sat, 1 Jun 2024 12:00:00 GMT", header(m, "Date"));
        assertEquals("<x@relay.example.edu>", header(m, "Message-ID"));
        assertEquals("auto-generated", header(m, "Auto-Submitted"));
        assertEquals("1.0", header(m, "MIME-Version"));
        assertEquals("text/plain; charset=UTF-8", header(m, "Content-Type"));
        assertEquals("7bit", header(m, "Content-Transfer-Encoding"));
        assertTrue(m.endsWith("\r\n\r\nHello,\r\nline two\r\nlast\r\n"), m);
        assertFalse(m.replace("\r\n", "").contains("\n") || m.replace("\r\n", "").contains("\r"), "CRLF only");
    }

    @Test
    void aNonAsciiSubjectIsEncodedWordsThatDecodeBack() {
        String subject = "Zulassung für die Fakultät für Physik – Gerät „Drucker“ in Raum 12 😀 genehmigt";
        String m = build(subject, "x");
        String field = header(m, "Subject");
        StringBuilder decoded = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher word = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]+)\\?=").matcher(field);
        while (word.find()) {
            assertTrue(word.group().length() <= 75, "RFC 2047 2: an encoded-word is at most 75 characters");
            bytes.writeBytes(Base64.getDecoder().decode(word.group(1)));
            decoded.append(new String(Base64.getDecoder().decode(word.group(1)), StandardCharsets.UTF_8));
        }
        assertEquals(subject, decoded.toString(), "every word is whole characters on its own");
        assertEquals(subject, bytes.toString(StandardCharsets.UTF_8));
        for (String line : field.split("\r\n")) {
            assertTrue(line.length() <= 78, line);
        }
    }

    @Test
    void aLongAsciiSubjectIsFoldedAtSpaces() {
        String subject = "word ".repeat(40).strip();
        String field = header(build(subject, "x"), "Subject");
        assertEquals(subject, field.replace("\r\n", ""), "unfolding gives the subject back");
        assertTrue(field.contains("\r\n "));
        assertTrue(("Subject: " + field).lines().allMatch(l -> l.length() <= 78));
    }

    @Test
    void aNonAsciiOrLongLinedBodyIsQuotedPrintableThatDecodesBack() throws IOException {
        String body = "Grüße aus der Fakultät.\nA = B at the end \n" + "x".repeat(1200) + "\n.\n";
        String m = build("s", body);
        assertEquals("quoted-printable", header(m, "Content-Transfer-Encoding"));
        String encoded = m.substring(m.indexOf("\r\n\r\n") + 4);
        for (String line : encoded.split("\r\n")) {
            assertTrue(line.length() <= 76, "RFC 2045 6.7 (5): " + line);
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        }
        assertEquals(MailMessage.lines(body), decodeQuotedPrintable(encoded));
    }

    private static String decodeQuotedPrintable(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String joined = text.replace("=\r\n", "");
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=') {
                out.write(Integer.parseInt(joined.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static OutboxEntry entry(OutboxKind kind, String recipient, String subject, String body) {
        Map<String, String> params = Map.of("registration", "#12", "id", "12", "unit", "Physics", "addresses",
                "192.0.2.7", "reason", "spam", "actor", "system", "contact", "physics-it@example.edu");
        return new OutboxEntry(41, kind, 12L, recipient, subject, body, params, Instant.parse("2024-05-31T08:15:00Z"),
                "alice", 0);
    }

    private static NoticeComposer composer(MailSettings mail) throws IOException {
        return new NoticeComposer(mail, "relay.example.edu", Templates.load(null));
    }

    @Test
    void aTemplateRowBecomesTheRenderedMessageFromMailFromWithAStableMessageId() throws IOException {
        NoticeComposer.Composed c = composer(MAIL).compose(entry(OutboxKind.CONFIRMATION, "physics-it@example.edu", null, null), NOW);
        assertEquals("physics-it@example.edu", c.recipient());
        assertEquals("Mail relay registration #12 approved: Physics", c.subject());
        assertTrue(c.body().contains("mail-relay.example.edu") && c.body().contains("(2024-05-31 08:15 UTC)"), c.body());
        assertEquals("postmaster@relay.example.edu", c.envelope().sender(), "not the null sender: a notice is no bounce");
        assertEquals(List.of("physics-it@example.edu"), c.envelope().recipients());
        String text = new String(c.message(), StandardCharsets.UTF_8);
        assertEquals("<relaygate.outbox.41.1717143300000@relay.example.edu>", header(text, "Message-ID"));
        assertEquals(text, new String(composer(MAIL).compose(entry(OutboxKind.CONFIRMATION, "physics-it@example.edu", null, null),
                NOW).message(), StandardCharsets.UTF_8), "the same row gives the same message");
    }

    @Test
    void aPostmasterAlertGoesToMailPostmasterAndANoticeIsSentVerbatim() throws IOException {
        NoticeComposer.Composed alert = composer(MAIL).compose(entry(OutboxKind.POSTMASTER_ALERT, null, null, null), NOW);
        assertEquals("pm@example.edu", alert.recipient());
        assertTrue(alert.body().contains("relaygate approve 12\n"), alert.body());
        NoticeComposer.Composed notice = composer(MAIL).compose(entry(OutboxKind.NOTICE, "x@example.edu", "Update {unit}",
                "Body {unit}"), NOW);
        assertEquals("Update {unit}", notice.subject());
        assertEquals("Body {unit}", notice.body());
        assertEquals(null, header(new String(notice.message(), StandardCharsets.UTF_8), "Auto-Submitted"),
                "a person's announcement, not an automatic one");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NOTICE       | x@example.edu       | NOTICE needs a subject and a body",
            "CONFIRMATION | ''                  | recipient \"\" is not a plain mail address",
            "SUSPENSION   | 'a@b.example, c@d'  | recipient \"a@b.example, c@d\" is not a plain mail address",
            "BLOCK        | '<x@example.edu>'   | recipient \"<x@example.edu>\" is not a plain mail address",
    })
    void rowsThatCannotBeSentAreRefused(OutboxKind kind, String recipient, String message) throws IOException {
        NoticeComposer composer = composer(MAIL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> composer.compose(entry(kind, recipient, null, null), NOW));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theSettingsDecideWhichNoticesAreSkipped() throws IOException {
        NoticeComposer defaults = composer(MAIL);
        assertEquals("mail.notify-on-block is off", defaults.skipReason(OutboxKind.BLOCK));
        assertEquals(null, defaults.skipReason(OutboxKind.SUSPENSION));
        assertEquals(null, defaults.skipReason(OutboxKind.POSTMASTER_ALERT));
        MailSettings quiet = new MailSettings(MAIL.from(), MAIL.postmaster(), MAIL.relayHost(), 25, false, true, "", null,
                MAIL.pollInterval(), MAIL.retryInitial(), 10);
        assertEquals("mail.notify-on-suspend is off", composer(quiet).skipReason(OutboxKind.SUSPENSION));
        assertEquals("mail.notify-on-suspend is off", composer(quiet).skipReason(OutboxKind.REACTIVATION));
        assertEquals(null, composer(quiet).skipReason(OutboxKind.BLOCK));
        assertEquals(null, composer(quiet).skipReason(OutboxKind.POSTMASTER_ALERT), "the postmaster is always told");
        assertEquals(null, composer(quiet).skipReason(OutboxKind.CONFIRMATION));
    }

    @ParameterizedTest
    @CsvSource({"1, 30", "2, 60", "3, 120", "7, 1920", "8, 3600", "40, 3600"})
    void backoffDoublesUpToAnHour(int attempt, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), Mailer.backoff(Duration.ofSeconds(30), attempt));
    }
}
