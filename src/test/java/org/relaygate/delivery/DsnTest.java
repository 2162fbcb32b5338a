package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.QueuedMessage;

/** The RFC 3464 bounce, built on a fixed clock. */
class DsnTest {

    private static final Instant NOW = Instant.parse("2024-06-02T08:30:00Z");
    private static final byte[] ORIGINAL = ("Received: from printer ([192.0.2.7])\r\n\tby relay.example.org\r\n"
            + "Subject: scan\r\nMessage-ID: <scan-1@printer>\r\n\r\nsecret body\r\n").getBytes(StandardCharsets.US_ASCII);

    static String build(List<AttemptResults.Failure> failures) {
        QueuedMessage m = ScheduleTest.message("gone@example.net", "slow@example.com");
        Dsn dsn = Dsn.build("relay.example.org", m, ORIGINAL, failures, NOW, Duration.ofDays(5));
        assertEquals(new Envelope("", "relay.example.org", "", List.of("dev@example.org"), NOW, "LOCAL"), dsn.envelope());
        return new String(dsn.message(), StandardCharsets.UTF_8);
    }

    @Test
    void hasTheThreePartsOfAMultipartReport() {
        String dsn = build(List.of(
                new AttemptResults.Failure("gone@example.net", "550 5.1.1 <gone@example.net>: no such user",
                        "mx.example.net[192.0.2.25]:25", false),
                new AttemptResults.Failure("slow@example.com", "451 4.3.0 busy", "127.0.0.1:2525", true)));
        String[] headBody = dsn.split("\r\n\r\n", 2);
        String head = headBody[0];
        assertTrue(head.startsWith("From: MAILER-DAEMON@relay.example.org (Mail Delivery System)\r\nTo: <dev@example.org>\r\n"), head);
        assertTrue(head.contains("\r\nDate: Sun, 2 Jun 2024 08:30:00 GMT\r\n"), head);
        assertTrue(head.contains("\r\nAuto-Submitted: auto-replied\r\n"), head);
        assertTrue(head.contains("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"relaygate-dsn-0190A1B2C3D40000\""), head);
        String b = "--relaygate-dsn-0190A1B2C3D40000";
        String[] parts = dsn.split(Pattern.quote(b));
        assertEquals(5, parts.length, "preamble, three parts, epilogue");
        assertTrue(parts[1].startsWith("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system at host relay.example.org."), parts[1]);
        assertTrue(parts[1].contains("<gone@example.net>: host mx.example.net[192.0.2.25]:25 said: 550 5.1.1 <gone@example.net>: no such user\r\n"), parts[1]);
        assertTrue(parts[1].contains("<slow@example.com>: delivery kept failing for 5 days; last error: 451 4.3.0 busy\r\n"), parts[1]);
        assertEquals("\r\nContent-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; relay.example.org\r\n"
                + "X-Relaygate-Queue-ID: 0190A1B2C3D40000\r\n"
                + "Arrival-Date: Sat, 1 Jun 2024 12:00:00 GMT\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; gone@example.net\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; mx.example.net\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: no such user\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; slow@example.com\r\n"
                + "Action: failed\r\n"
                + "Status: 4.4.7\r\n"
                + "Remote-MTA: dns; 127.0.0.1\r\n"
                + "Diagnostic-Code: smtp; 451 4.3.0 busy\r\n"
                + "\r\n", parts[2]);
        assertEquals("\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                + "Received: from printer ([192.0.2.7])\r\n\tby relay.example.org\r\n"
                + "Subject: scan\r\nMessage-ID: <scan-1@printer>\r\n\r\n", parts[3]);
        assertEquals("--\r\n", parts[4]);
        assertFalse(dsn.contains("secret body"), "headers only, never the body");
        assertFalse(Pattern.compile("[^\r]\n").matcher(dsn).find(), "CRLF everywhere");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "550 5.7.1 relaying denied                 | false | 5.7.1",
        "554 transaction failed                    | false | 5.0.0",
        "5.1.2 host or domain name not found: x    | false | 5.1.2",
        "4.4.1 connect to 127.0.0.1:25: refused    | true  | 4.4.7",
        "something odd                             | false | 5.0.0",
    })
    void statusComesFromTheReplyOrTheLocalError(String text, boolean expired, String status) {
        assertEquals(status, Dsn.status(new AttemptResults.Failure("x@example.net", text, "", expired)));
    }

    @Test
    void aLocalErrorIsNotPassedOffAsAnSmtpReply() {
        String dsn = build(List.of(new AttemptResults.Failure("gone@example.net",
                "5.1.2 host or domain name not found: example.net (DNS NXDOMAIN)", "", false)));
        Matcher m = Pattern.compile("Diagnostic-Code: (.*)\r\n").matcher(dsn);
        assertTrue(m.find());
        assertEquals("X-Relaygate; 5.1.2 host or domain name not found: example.net (DNS NXDOMAIN)", m.group(1));
        assertFalse(dsn.contains("Remote-MTA"));
    }
}
