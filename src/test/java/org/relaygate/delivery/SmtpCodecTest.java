package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reply parsing and the outgoing data encoding (dot-stuffing, line ends), without sockets. */
class SmtpCodecTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // stored bytes (\r, \n written as \\r, \\n)  | bytes after DATA
        "Subject: x\\r\\n\\r\\nbody\\r\\n              | Subject: x\\r\\n\\r\\nbody\\r\\n.\\r\\n",
        "no final line end                          | no final line end\\r\\n.\\r\\n",
        ".leading dot\\r\\n..two\\r\\n.\\r\\n           | ..leading dot\\r\\n...two\\r\\n..\\r\\n.\\r\\n",
        "a\\nb\\n.\\nc                                | a\\r\\nb\\r\\n..\\r\\nc\\r\\n.\\r\\n",
        "bare\\rcr\\r.\\rx                           | bare\\r\\ncr\\r\\n..\\r\\nx\\r\\n.\\r\\n",
        "smuggle\\n.\\r\\nMAIL FROM:<x>\\r\\n         | smuggle\\r\\n..\\r\\nMAIL FROM:<x>\\r\\n.\\r\\n",
        "smuggle\\r\\n.\\nRCPT\\r\\n                   | smuggle\\r\\n..\\r\\nRCPT\\r\\n.\\r\\n",
        "\\r\\r\\n                                    | \\r\\n\\r\\n.\\r\\n",
        "in.line dots. stay\\r\\n                     | in.line dots. stay\\r\\n.\\r\\n",
    })
    void encodesDataSoOnlyTheTerminatorEndsIt(String stored, String sent) {
        assertEquals(unescape(sent), new String(DataEncoder.encode(bytes(unescape(stored))), StandardCharsets.ISO_8859_1));
    }

    @Test
    void anEmptyMessageIsJustTheTerminator() {
        assertEquals(".\r\n", new String(DataEncoder.encode(new byte[0]), StandardCharsets.US_ASCII));
    }

    @Test
    void knowsEightBitMessages() {
        assertFalse(DataEncoder.eightBit(bytes("plain\r\n")));
        assertTrue(DataEncoder.eightBit("\u00e9".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsesMultiLineReplies() {
        ReplyParser p = new ReplyParser();
        assertNull(p.onLine("250-relay.example.org hello"));
        assertTrue(p.inReply());
        assertNull(p.onLine("250-SIZE 10240000"));
        assertNull(p.onLine("250-8BITMIME"));
        SmtpReply r = p.onLine("250 PIPELINING");
        assertEquals(250, r.code());
        assertEquals(List.of("relay.example.org hello", "SIZE 10240000", "8BITMIME", "PIPELINING"), r.lines());
        assertTrue(r.announces("size") && r.announces("8BITMIME") && !r.announces("relay.example.org"));
        assertEquals("250 relay.example.org hello SIZE 10240000 8BITMIME PIPELINING", r.oneLine());
        assertFalse(p.inReply());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "250 2.0.0 Ok: queued as X | 250 | OK   | 2.0.0",
        "354 go ahead              | 354 | OK   | ",
        "451 4.3.0 try again       | 451 | TEMP | 4.3.0",
        "421                       | 421 | TEMP | ",
        "550 5.1.1 <x>: no user    | 550 | PERM | 5.1.1",
        "554 no 5.7.1 here         | 554 | PERM | ",
    })
    void classifiesReplies(String line, int code, Outcome outcome, String enhanced) {
        SmtpReply r = new ReplyParser().onLine(line);
        assertEquals(code, r.code());
        assertEquals(outcome, r.outcome());
        assertEquals(enhanced, r.enhanced());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "25", "abc hello", "250x", "150 too low", "650 too high", "2a0 letters"})
    void refusesWhatIsNoReply(String line) {
        assertThrows(IllegalArgumentException.class, () -> new ReplyParser().onLine(line));
    }

    @Test
    void refusesACodeThatChangesInsideAReply() {
        ReplyParser p = new ReplyParser();
        p.onLine("250-one");
        assertThrows(IllegalArgumentException.class, () -> p.onLine("550 two"));
    }

    @Test
    void refusesAnEndlessReply() {
        ReplyParser p = new ReplyParser();
        for (int i = 0; i < ReplyParser.MAX_LINES; i++) {
            p.onLine("250-more");
        }
        assertThrows(IllegalArgumentException.class, () -> p.onLine("250-more"));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
