package org.relaygate.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relaygate.smtp.Envelope;

/** The pure parts of the spool format: ids, escaping, the .msg header and the .state file. */
class SpoolFormatTest {

    private static final Envelope ENVELOPE = new Envelope("192.0.2.7", "printer 3", "scan@example.org",
            List.of("a@example.net", "b c@example.net", "-"), Instant.parse("2024-06-01T12:00:00.123Z"), "ESMTP");

    @Test
    void idsAreFixedWidthHexSortedByTimeThenSequence() {
        QueueIds ids = new QueueIds();
        List<String> made = new ArrayList<>();
        made.add(ids.next(1_000));
        made.add(ids.next(1_000));
        made.add(ids.next(999)); // clock stepped back: still after the previous ones
        made.add(ids.next(2_000));
        assertEquals(List.of("0000000003E80000", "0000000003E80001", "0000000003E80002", "0000000007D00000"), made);
        assertTrue(made.stream().allMatch(QueueIds::isValid));
        assertEquals(made.stream().sorted().toList(), made);
    }

    @Test
    void idsNeverGoBelowOneAlreadyQueued() {
        QueueIds ids = new QueueIds();
        ids.notBelow("00000000271000FF");
        assertEquals("0000000027100100", ids.next(5));
    }

    @Test
    void sixtyFiveThousandIdsInOneMillisecondSpillIntoTheNext() {
        QueueIds ids = new QueueIds();
        String last = null;
        for (int i = 0; i <= 0x10000; i++) {
            last = ids.next(7);
        }
        assertEquals("0000000000080000", last);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../etc/passwd", "0000000000080000.msg", "000000000008000g", "000000000008000", "abcdef0123456789"})
    void rejectsAnythingButAnId(String text) {
        assertFalse(QueueIds.isValid(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "plain@example.org", "a b", "100%", "line\r\nbreak", "tab\there", "\u00e9l\u00e8ve@exemple.fr",
        "nul\u0000", "nel\u0085x", "sep\u2028x", "%2D"})
    void escapingRoundTripsToOneToken(String value) {
        String token = SpoolText.escape(value);
        assertFalse(token.isEmpty());
        assertTrue(token.chars().noneMatch(c -> c <= ' ' || c == 0x85 || c == 0x2028), token);
        assertEquals(value, SpoolText.unescape(token));
    }

    @Test
    void headerRoundTripsAndSaysWhereTheMessageStarts() throws IOException {
        byte[] header = MessageCodec.header("0190A1B2C3D40000", ENVELOPE, 5);
        byte[] file = concat(header, "Hi\r\n\r".getBytes(StandardCharsets.US_ASCII));
        MessageCodec.Header parsed = MessageCodec.parse(new ByteArrayInputStream(file));
        assertEquals("0190A1B2C3D40000", parsed.id());
        assertEquals(ENVELOPE, parsed.envelope());
        assertEquals(5, parsed.size());
        assertEquals(header.length, parsed.headerLength());
        assertTrue(new String(header, StandardCharsets.UTF_8).contains("helo: printer%203\n"));
    }

    @Test
    void nullSenderIsWrittenAsADash() throws IOException {
        Envelope bounce = new Envelope("", "relay", "", List.of("x@example.org"), Instant.EPOCH, "LOCAL");
        byte[] header = MessageCodec.header("0000000000000001", bounce, 0);
        assertTrue(new String(header, StandardCharsets.UTF_8).contains("\nsender: -\n"));
        assertEquals("", MessageCodec.parse(new ByteArrayInputStream(header)).envelope().sender());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relaygate-spool 2\n\n", "relaygate-spool 1\nid: X\n", "relaygate-spool 1\nid X\n\n",
        "relaygate-spool 1\nid: 1\nreceived: now\nsender: -\nrecipient: a\nsize: 1\n\n",
        "relaygate-spool 1\nid: 1\nreceived: 2024-01-01T00:00:00Z\nsender: -\nsize: 1\n\n"})
    void damagedHeadersAreRefused(String text) {
        assertThrows(IOException.class, () -> MessageCodec.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void stateRoundTripsInEnvelopeOrder() throws IOException {
        List<RecipientState> states = List.of(
                new RecipientState("a@example.net", RecipientState.Status.DELIVERED, 1, null, "127.0.0.1:25", "250 2.0.0 Ok"),
                new RecipientState("b c@example.net", RecipientState.Status.PENDING, 2, Instant.parse("2024-06-01T12:10:00Z"),
                        "mx.example.net[192.0.2.9]:25", "451 4.3.0 try again"),
                new RecipientState("-", RecipientState.Status.BOUNCED, 1, null, "", "5.1.3 bad"));
        byte[] encoded = StateCodec.encode(states);
        assertEquals(states, StateCodec.decode(encoded, ENVELOPE.recipients()));
        assertTrue(new String(encoded, StandardCharsets.UTF_8).startsWith("relaygate-state 1\ndelivered 1 - a@example.net "));
    }

    @Test
    void aStateForOtherRecipientsOrCutShortIsRefused() {
        byte[] encoded = StateCodec.encode(List.of(RecipientState.fresh("a@example.net", Instant.EPOCH)));
        assertThrows(IOException.class, () -> StateCodec.decode(encoded, List.of("z@example.net")));
        assertThrows(IOException.class, () -> StateCodec.decode(encoded, List.of("a@example.net", "b@example.net")));
        byte[] cut = java.util.Arrays.copyOf(encoded, encoded.length - 1);
        assertThrows(IOException.class, () -> StateCodec.decode(cut, List.of("a@example.net")));
    }

    @Test
    void headersEndAtTheFirstEmptyLine() {
        byte[] m = "Subject: x\r\nFrom: y\r\n\r\nbody\r\n\r\nmore".getBytes(StandardCharsets.US_ASCII);
        assertEquals("Subject: x\r\nFrom: y\r\n", MessageHeaders.text(m));
        assertEquals("A: b\n", MessageHeaders.text("A: b\n\nbody".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("No: body", MessageHeaders.text("No: body".getBytes(StandardCharsets.US_ASCII)));
        byte[] huge = ("X: " + "y".repeat(70_000) + "\r\n").repeat(2).getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, MessageHeaders.end(huge), "cut at a line end, and no line end within the limit");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
