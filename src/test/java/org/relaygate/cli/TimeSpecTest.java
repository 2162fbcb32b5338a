package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeSpecTest {

    private static final Instant NOW = Instant.parse("2026-06-15T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "2026-12-01T12:00:00Z      | 2026-12-01T12:00:00Z",
        "2026-12-01t12:00:00z      | 2026-12-01T12:00:00Z",
        "2026-12-01T12:00:00.5Z    | 2026-12-01T12:00:00.500Z",
        "2026-12-01T14:00:00+02:00 | 2026-12-01T12:00:00Z",
        "2026-12-01T07:00-05:00    | 2026-12-01T12:00:00Z",
        "2026-12-01T12:00          | 2026-12-01T12:00:00Z",
        "2026-12-01T12:00:30       | 2026-12-01T12:00:30Z",
        "2026-12-01 12:00          | 2026-12-01T12:00:00Z",
        "2026-12-01                | 2026-12-01T00:00:00Z",
        "' 2026-12-01 '            | 2026-12-01T00:00:00Z",
        "45s                       | 2026-06-15T10:30:45Z",
        "90m                       | 2026-06-15T12:00:00Z",
        "2h                        | 2026-06-15T12:30:00Z",
        "2H                        | 2026-06-15T12:30:00Z",
        "7d                        | 2026-06-22T10:30:00Z",
        "2w                        | 2026-06-29T10:30:00Z",
        "0m                        | 2026-06-15T10:30:00Z",
    })
    void parsesEveryForm(String text, String expected) {
        assertEquals(Instant.parse(expected), TimeSpec.parse(text, CLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "tomorrow", "2h30m", "-2h", "2 h", "2y", "h", "1.5h", "2026-13-01", "2026-02-30",
        "2026-12-01T25:00", "2026-12-01T12:00:00Q", "12:00", "1234567890d", "2026-12-01T12:00:00Z trailing"})
    void refusesAnythingElseWithTheFormsInTheMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeSpec.parse(text, CLOCK));
        assertTrue(e.getMessage().contains("2026-12-01T12:00:00Z") || e.getMessage().contains("too long"), e.getMessage());
    }

    @Test
    void refusesOverlongInputWithoutEchoingAllOfIt() {
        String huge = "9".repeat(10_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeSpec.parse(huge, CLOCK));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void nullIsRefusedNotAnNpe() {
        assertThrows(IllegalArgumentException.class, () -> TimeSpec.parse(null, CLOCK));
    }

    @Test
    void theLargestDurationStillFits() {
        assertTrue(TimeSpec.parse("999999999w", CLOCK).isAfter(NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0m", "2026-06-15T10:30:00Z", "2026-06-15T10:29", "2026-06-15", "2020-01-01"})
    void aBlockEndMustLieInTheFuture(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeSpec.parseFuture(text, CLOCK));
        assertTrue(e.getMessage().contains("not in the future"), e.getMessage());
    }

    @Test
    void aFutureEndIsAccepted() {
        assertEquals(Instant.parse("2026-06-15T10:31:00Z"), TimeSpec.parseFuture("1m", CLOCK));
        assertEquals(Instant.parse("2026-06-16T00:00:00Z"), TimeSpec.parseFuture("2026-06-16", CLOCK));
    }
}
