package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command framing without sockets: lines, over-long lines, and the bytes handed back at DATA. */
class CommandFramingTest {

    /** Records lines; stops the framing at "DATA" (as the connection does) and keeps what it hands back. */
    private static final class Recorder implements CommandFraming.Listener {
        final List<String> events = new ArrayList<>();
        CommandFraming framing;
        String rest;

        @Override
        public void onLine(String line) {
            events.add(line);
            if (line.equals("DATA")) {
                rest = framing.stop().toString();
            }
        }

        @Override
        public void onLineTooLong() {
            events.add("<too long>");
        }
    }

    private static Recorder frame(int maxLine, String... reads) {
        Recorder r = new Recorder();
        r.framing = new CommandFraming(maxLine, r);
        for (String read : reads) {
            if (r.rest == null) {
                r.framing.handle(Buffer.buffer(read));
            }
        }
        return r;
    }

    @Test
    void splitsOnLfAndDropsTheCr() {
        assertEquals(List.of("EHLO x", "NOOP", "", "RSET"), frame(100, "EHLO x\r\nNOOP\n\r\nRS", "ET\r\n").events);
    }

    @Test
    void handsBackWhatFollowsDataAtEveryCut() {
        String input = "MAIL FROM:<a@b.c>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n";
        for (int cut = 0; cut <= input.length(); cut++) {
            Recorder r = frame(100, input.substring(0, cut), input.substring(cut));
            int afterData = input.indexOf("DATA\r\n") + 6;
            String expected = cut < afterData ? input.substring(afterData) : input.substring(afterData, cut);
            assertEquals(List.of("MAIL FROM:<a@b.c>", "DATA"), r.events, "cut " + cut);
            assertEquals(expected, r.rest, "cut " + cut); // beyond the cut, the next read goes to the decoder itself
        }
    }

    @Test
    void answersAnOverLongLineOnceAndSkipsIt() {
        assertEquals(List.of("<too long>", "NOOP"), frame(10, "NOOP 123456789\r\nNOOP\r\n").events);
        assertEquals(List.of("<too long>", "NOOP"), frame(10, "NOOP 12345", "67890", "123\r", "\nNOOP\r\n").events);
        assertEquals(List.of("NOOP 12345"), frame(10, "NOOP 12345\r\nNOOP 123456").events, "10 bytes and a CR may follow");
        assertEquals(List.of("NOOP 12345", "<too long>"), frame(10, "NOOP 12345\r\nNOOP 1234567").events);
        assertEquals(List.of("<too long>", "QUIT"), frame(10, "x".repeat(50), "y".repeat(5000), "\nQUIT\n").events);
    }
}
