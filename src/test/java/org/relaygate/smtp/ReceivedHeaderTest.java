package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReceivedHeaderTest {

    private static final Instant WHEN = Instant.parse("2024-03-09T08:07:06Z");

    @Test
    void namesTheRecipientOnlyWhenThereIsOne() {
        assertEquals("Received: from printer (unknown [192.0.2.7])\r\n\tby relay.test (relaygate) with ESMTP id ABC\r\n"
                        + "\tfor <a@example.net>; Sat, 9 Mar 2024 08:07:06 +0000\r\n",
                ReceivedHeader.format("printer", "192.0.2.7", "relay.test", "ESMTP", "ABC", List.of("a@example.net"), WHEN));
        assertEquals("Received: from printer (unknown [192.0.2.7])\r\n\tby relay.test (relaygate) with SMTP id ABC;\r\n"
                        + "\tSat, 9 Mar 2024 08:07:06 +0000\r\n",
                ReceivedHeader.format("printer", "192.0.2.7", "relay.test", "SMTP", "ABC", List.of("a@x.org", "b@x.org"), WHEN));
    }

    @Test
    void writesIpv6AsAnAddressLiteral() {
        assertEquals("Received: from [IPv6:2001:db8::1] (unknown [IPv6:2001:db8::1])\r\n",
                ReceivedHeader.format("[IPv6:2001:db8::1]", "2001:db8::1", "h", "ESMTP", "I", List.of("a@b.c"), WHEN)
                        .lines().findFirst().orElseThrow() + "\r\n");
    }

    @Test
    void aHeloNameCannotBreakTheHeader() {
        assertEquals("Canon_iR__x____for__evil_", ReceivedHeader.safeHelo("Canon iR (x) ; for <evil>"));
        assertEquals("a_b", ReceivedHeader.safeHelo("a\tb"));
        assertEquals(100, ReceivedHeader.safeHelo("h".repeat(300)).length());
    }

    @Test
    void messageIdsAreUniqueAndShaped() {
        MessageIds ids = new MessageIds(Clock.fixed(WHEN, ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.get();
            assertEquals(12, id.length());
            assertEquals(id, id.replaceAll("[^0-9A-Z]", ""));
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
