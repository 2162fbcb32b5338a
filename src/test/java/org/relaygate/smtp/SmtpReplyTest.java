package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpReplyTest {

    @Test
    void rendersOneLine() {
        assertEquals("250 2.1.0 Ok\r\n", new SmtpReply(250, "2.1.0", "Ok").render());
        assertEquals("354 End\r\n", new SmtpReply(354, "", "End").render());
        assertEquals("250 2.0.0\r\n", new SmtpReply(250, "2.0.0", "").render());
        assertEquals("250\r\n", new SmtpReply(250, "", "").render());
    }

    @Test
    void rendersEveryLineButTheLastWithADash() {
        assertEquals("250-a\r\n250-b\r\n250 c\r\n", SmtpReply.multiline(250, "", List.of("a", "b", "c")).render());
        assertEquals("550-5.7.1 a\r\n550 5.7.1 b\r\n", SmtpReply.multiline(550, "5.7.1", List.of("a", "b")).render());
    }

    @Test
    void peerTextCannotSplitOrForgeAReply() {
        assertEquals("554 5.7.1 <a\r 250 ok@x>\r\n".replace("\r ", "  "), new SmtpReply(554, "5.7.1", "<a\r\u0000250 ok@x>").render());
        assertEquals("554 5.7.1 caf? ?\r\n", new SmtpReply(554, "5.7.1", "caf\u00e9 \u2028").render());
        assertEquals(512, new SmtpReply(554, "5.7.1", "x".repeat(1000)).render().length());
    }

    @ParameterizedTest
    @CsvSource({"199,''", "600,''", "250,5.0.0", "550,2.0.0", "250,2.0", "250,x.y.z"})
    void refusesMalformedCodes(int code, String enhanced) {
        assertThrows(IllegalArgumentException.class, () -> new SmtpReply(code, enhanced, "text"));
    }
}
