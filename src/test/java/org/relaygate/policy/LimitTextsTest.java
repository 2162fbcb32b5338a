package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitTextsTest {

    @ParameterizedTest
    @CsvSource({
            "2026-05-04T09:30:30Z,       try again after 2026-05-04 09:30:30 UTC",
            "2026-05-04T09:30:30.001Z,   try again after 2026-05-04 09:30:31 UTC",
            "2026-05-04T09:30:36.580Z,   try again after 2026-05-04 09:30:37 UTC",
            "2026-05-04T23:59:59.999Z,   try again after 2026-05-05 00:00:00 UTC"})
    void theRetryTimeIsRoundedUpSoARetryThenIsNoLongerDeferred(String when, String expected) {
        assertEquals(expected, LimitTexts.retryAfter(Instant.parse(when)));
    }
}
