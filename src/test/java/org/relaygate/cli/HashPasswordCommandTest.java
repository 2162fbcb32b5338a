package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.relaygate.web.PasswordHash;

class HashPasswordCommandTest {

    @Test
    void theFirstLineIsThePassword() throws Exception {
        assertEquals("s3cret pass", HashPasswordCommand.firstLine(new StringReader("s3cret pass\r\nsecond line\n")));
        assertEquals("last", HashPasswordCommand.firstLine(new StringReader("last")));
        assertEquals("", HashPasswordCommand.firstLine(new StringReader("\n")));
        assertNull(HashPasswordCommand.firstLine(new StringReader("")));
        String longLine = HashPasswordCommand.firstLine(new StringReader("x".repeat(5000)));
        assertEquals(PasswordHash.MAX_PASSWORD_LENGTH + 1, longLine.length(), "reading stops past the bound");
    }

    @Test
    void theHashVerifies() {
        String line = HashPasswordCommand.hash("s3cret pass");
        assertTrue(line.startsWith("pbkdf2-sha256$600000$"), line);
        assertTrue(PasswordHash.parse(line).matches("s3cret pass"));
    }

    @Test
    void emptyAndOverlongAreRefused() {
        assertTrue(assertThrows(CommandFailure.class, () -> HashPasswordCommand.hash("")).getMessage().contains("empty"));
        assertThrows(CommandFailure.class, () -> HashPasswordCommand.hash(null));
        assertThrows(CommandFailure.class, () -> HashPasswordCommand.hash("x".repeat(PasswordHash.MAX_PASSWORD_LENGTH + 1)));
    }

    @Test
    void theCommandIsListed() {
        assertTrue(CliRun.run("--help").out().contains("hash-password"));
    }
}
