package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.relaygate.config.SmtpSettings.BareLf;
import org.relaygate.smtp.DataDecoder.Outcome;

/** The DATA framing: where the data ends (and where it must not), dot-stuffing, bare LF, limits, chunking. */
class DataDecoderTest {

    /** What decoding gave: the message, how many input bytes were used, and the verdict. */
    private record Decoded(String message, int used, boolean finished, Outcome outcome) {
    }

    private static Decoded decode(String input, BareLf mode) {
        return decode(input, mode, 1 << 20, 1000, new int[0]);
    }

    /** Decodes {@code input} fed in pieces cut at the given offsets; stops feeding once the data ended. */
    private static Decoded decode(String input, BareLf mode, long maxSize, int maxLine, int[] cuts) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(maxSize, maxLine, mode, out::write);
        int used = 0;
        int from = 0;
        for (int i = 0; i <= cuts.length && !decoder.finished(); i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            used += decoder.feed(bytes, from, to - from);
            from = to;
        }
        return new Decoded(out.toString(StandardCharsets.ISO_8859_1), used, decoder.finished(), decoder.outcome());
    }

    /**
     * Inputs that must end exactly where the table says (the rest is the next command), or not at
     * all (end -1). Expected messages are for NORMALIZE mode.
     */
    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("plain CRLF.CRLF", "a\r\n.\r\nQUIT\r\n", 6, "a\r\n"),
                Arguments.of("empty message", ".\r\nQUIT\r\n", 3, ""),
                Arguments.of("only the end", ".\r\n", 3, ""),
                Arguments.of("LF.LF is no end", "a\n.\nb\r\n.\r\n", 10, "a\r\n.\r\nb\r\n"),
                Arguments.of("LF.CRLF is no end", "a\n.\r\nb\r\n.\r\n", 11, "a\r\n.\r\nb\r\n"),
                Arguments.of("CRLF.LF is no end", "a\r\n.\nb\r\n.\r\n", 11, "a\r\n.\r\nb\r\n"),
                Arguments.of("CR.CR is no end", "a\r.\rb\r\n.\r\n", 10, "a\r.\rb\r\n"),
                Arguments.of("CR.CRLF is no end", "a\r.\r\nb\r\n.\r\n", 11, "a\r.\r\nb\r\n"),
                Arguments.of("LF.LF at the start is no end", "\n.\n.\r\n", -1, "\r\n.\r\n.\r\n"),
                Arguments.of("CRLF.LF at the start is no end", ".\nx\r\n.\r\n", 8, ".\r\nx\r\n"),
                Arguments.of("dot CR then text", "a\r\n.\r.\r\n.\r\n", 11, "a\r\n\r.\r\n"),
                Arguments.of("CR CR LF then the end", "a\r\r\n.\r\n", 7, "a\r\r\n"),
                Arguments.of("a bare LF line then a CRLF empty line", "a\n\r\n.\r\n", 7, "a\r\n\r\n"),
                Arguments.of("half an end", "a\r\n.\r", -1, "a\r\n"),
                Arguments.of("no end", "a\r\nb", -1, "a\r\nb"),
                Arguments.of("dot-stuffed dot line", "a\r\n..\r\n.\r\n", 10, "a\r\n.\r\n"),
                Arguments.of("dot-stuffed text", "..foo\r\n.bar\r\n.\r\n", 16, ".foo\r\nbar\r\n"),
                Arguments.of("stuffed after a bare LF", "a\n..b\r\n.\r\n", 10, "a\r\n.b\r\n"),
                Arguments.of("end right after a dotted line", ".x\r\n.\r\n", 7, "x\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void endsOnlyOnCrLfDotCrLf(String name, String input, int end, String message) {
        Decoded d = decode(input, BareLf.NORMALIZE);
        assertEquals(end >= 0, d.finished(), "finished");
        assertEquals(end >= 0 ? end : input.length(), d.used(), "bytes used");
        assertEquals(message, d.message());
        assertEquals(Outcome.ACCEPTED, d.outcome());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void rejectModeFindsTheSameEndAndRefusesBareLf(String name, String input, int end, String message) {
        Decoded d = decode(input, BareLf.REJECT);
        assertEquals(end >= 0, d.finished(), "finished");
        assertEquals(end >= 0 ? end : input.length(), d.used(), "bytes used");
        String upToEnd = end >= 0 ? input.substring(0, end) : input;
        boolean bareLf = upToEnd.replace("\r\n", "").indexOf('\n') >= 0;
        assertEquals(bareLf ? Outcome.BARE_LF : Outcome.ACCEPTED, d.outcome());
        if (!bareLf) {
            assertEquals(message, d.message());
        }
    }

    private static final String SAMPLE = "Received: from a\r\nSubject: t\n\r\n..stuffed\r\n.\n\n.\r\nline\r.\r\n"
            + "x\r\n.\r\r\n..\r\nend\r\n.\r\nQUIT\r\n";
    private static final String SAMPLE_MESSAGE = "Received: from a\r\nSubject: t\r\n\r\n.stuffed\r\n.\r\n\r\n.\r\nline\r.\r\n"
            + "x\r\n\r\r\n.\r\nend\r\n";

    @Test
    void anyChunkingGivesTheSameResult() {
        Decoded whole = decode(SAMPLE, BareLf.NORMALIZE);
        assertEquals(new Decoded(SAMPLE_MESSAGE, SAMPLE.length() - "QUIT\r\n".length(), true, Outcome.ACCEPTED), whole);
        int n = SAMPLE.length();
        for (int i = 0; i <= n; i++) {
            for (int j = i; j <= n; j++) {
                assertEquals(whole, decode(SAMPLE, BareLf.NORMALIZE, 1 << 20, 1000, new int[] {i, j}), "cut at " + i + "," + j);
            }
        }
        int[] everyByte = new int[n];
        for (int i = 0; i < n; i++) {
            everyByte[i] = i + 1;
        }
        assertEquals(whole, decode(SAMPLE, BareLf.NORMALIZE, 1 << 20, 1000, everyByte));
    }

    @Test
    void anyChunkingFindsTheSameEndInRejectMode() {
        // What was written before the first bare LF differs with the chunking; the refused message is dropped anyway.
        Decoded whole = decode(SAMPLE, BareLf.REJECT);
        assertEquals(Outcome.BARE_LF, whole.outcome());
        for (int i = 0; i <= SAMPLE.length(); i++) {
            Decoded cut = decode(SAMPLE, BareLf.REJECT, 1 << 20, 1000, new int[] {i});
            assertEquals(List.of(whole.used(), whole.finished(), whole.outcome()), List.of(cut.used(), cut.finished(), cut.outcome()),
                    "cut at " + i);
        }
    }

    @Test
    void sizeCountsTheStoredBytes() {
        String ten = "12345678\r\n"; // 10 bytes stored
        assertEquals(Outcome.ACCEPTED, decode(ten + ".\r\n", BareLf.NORMALIZE, 10, 1000, new int[0]).outcome());
        assertEquals(Outcome.ACCEPTED, decode("..2345678\r\n.\r\n", BareLf.NORMALIZE, 10, 1000, new int[0]).outcome());
        Decoded over = decode(ten + "x\r\n.\r\nNOOP\r\n", BareLf.NORMALIZE, 10, 1000, new int[0]);
        assertEquals(new Decoded("", 16, true, Outcome.TOO_BIG), over, "read to the end, nothing written");
    }

    @Test
    void nothingIsWrittenBeyondTheLimit() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(100_000, 1000, BareLf.NORMALIZE, out::write);
        byte[] line = ("z".repeat(98) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 5_000; i++) {
            decoder.feed(line, 0, line.length); // 500 kB offered
        }
        assertTrue(out.size() <= 100_000, "wrote " + out.size());
        byte[] end = ".\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3, decoder.feed(end, 0, 3));
        assertEquals(Outcome.TOO_BIG, decoder.outcome());
    }

    @Test
    void lineLengthCountsContentWithoutTheLineEnd() {
        assertEquals(Outcome.ACCEPTED, decode("12345\r\n.\r\n", BareLf.NORMALIZE, 1000, 5, new int[0]).outcome());
        assertEquals(Outcome.ACCEPTED, decode("..345\r\n.\r\n", BareLf.NORMALIZE, 1000, 5, new int[0]).outcome());
        Decoded d = decode("123456\r\nok\r\n.\r\nQUIT\r\n", BareLf.NORMALIZE, 1000, 5, new int[0]);
        assertEquals(new Decoded("", 15, true, Outcome.LINE_TOO_LONG), d);
        assertEquals(Outcome.LINE_TOO_LONG, decode("1234\r56\r\n.\r\n", BareLf.NORMALIZE, 1000, 5, new int[0]).outcome(),
                "a bare CR is content");
    }

    @ParameterizedTest
    @EnumSource(BareLf.class)
    void aLongLineWithoutAnEndIsReadOnBoundedly(BareLf mode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(1 << 20, 1000, mode, out::write);
        byte[] chunk = "y".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 64; i++) {
            assertEquals(chunk.length, decoder.feed(chunk, 0, chunk.length)); // 4 MiB on one line
        }
        assertTrue(out.size() <= 1000, "wrote " + out.size());
        byte[] end = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        decoder.feed(end, 0, end.length);
        assertTrue(decoder.finished());
        assertEquals(Outcome.LINE_TOO_LONG, decoder.outcome());
    }

    @Test
    void countsReceivedHeadersOnlyInTheHeaderSection() {
        String r = "Received: from x\r\n\tby y; date\r\n";
        assertEquals(Outcome.ACCEPTED, decode(r.repeat(50) + "\r\n" + r.repeat(10) + ".\r\n", BareLf.NORMALIZE).outcome());
        assertEquals(Outcome.LOOP, decode(r.repeat(50) + "RECEIVED:x\r\n\r\n.\r\n", BareLf.NORMALIZE).outcome());
        assertEquals(Outcome.LOOP, decode(r.repeat(51) + ".\r\n", BareLf.NORMALIZE).outcome(), "no body at all");
        assertEquals(Outcome.ACCEPTED, decode(r.repeat(50) + "X-Received: x\r\nReceived-SPF: pass\r\n Received: x\r\n\r\n.\r\n",
                BareLf.NORMALIZE).outcome());
        assertEquals(Outcome.LOOP, decode(r.repeat(50) + ".Received: stuffed\r\n.\r\n", BareLf.NORMALIZE).outcome(),
                "counted after unstuffing");
        assertEquals(Outcome.ACCEPTED, decode(r.repeat(50) + "\nReceived: x\r\n.\r\n", BareLf.NORMALIZE).outcome(),
                "a bare LF empty line ends the headers too");
    }

    @Test
    void feedingAfterTheEndIsABug() {
        DataDecoder decoder = new DataDecoder(100, 100, BareLf.NORMALIZE, (b, o, l) -> { });
        byte[] end = ".\r\n".getBytes(StandardCharsets.US_ASCII);
        decoder.feed(end, 0, 3);
        assertThrows(IllegalStateException.class, () -> decoder.feed(end, 0, 3));
    }

    @Test
    void eightBitAndNulBytesPassUnchanged() {
        String body = "caf\u00e9 \u0000 \u00ff\r\n";
        Decoded d = decode(body + ".\r\n", BareLf.NORMALIZE);
        assertEquals(body, d.message());
        assertFalse(d.message().isEmpty());
    }
}
