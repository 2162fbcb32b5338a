package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0         | 0",
            "192.0.2.1       | 3221225985",
            "255.255.255.255 | 4294967295",
            "10.0.0.1        | 167772161",
            "1.2.3.4         | 16909060",
            "'  192.0.2.1  ' | 3221225985", // surrounding blanks are stripped (Postfix never sends them)
            "[192.0.2.1]     | 3221225985", // address-literal brackets are tolerated
    })
    void validIpv4(String text, long value) {
        IpAddress a = IpAddress.parse(text);
        assertFalse(a.v6());
        assertEquals(0, a.hi());
        assertEquals(value, a.lo());
        assertEquals(32, a.bits());
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {
            "", " ", "01.2.3.4", "1.02.3.4", "1.2.3.004", "00.0.0.0", "256.1.1.1", "1.2.3.256", "999.1.1.1",
            "1000.1.1.1", "1.2.3", "1.2", "1", "1.2.3.4.5", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.-4",
            "1. 2.3.4", "1.2.3.4 5", "1.2.3.4/32", "a.b.c.d", "1.2.3.0x4", "0x7f.0.0.1", "127.1",
            "4294967295", "1.2.3.4%eth0", "1.2.3.\u0664", "\uff11.2.3.4", "[1.2.3.4", "1.2.3.4]", "[]",
            "192.0.2.1\u0000", "192.0.2.1\u0000 ", "host.example",
    })
    void invalidIpv4(String text) {
        assertRefused(text);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "::                                      | ::",
            "::1                                     | ::1",
            "1::                                     | 1::",
            "2001:db8::1                             | 2001:db8::1",
            "2001:DB8::A:B                           | 2001:db8::a:b",
            "2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1",
            "2001:db8:0:0:1:0:0:1                    | 2001:db8::1:0:0:1",   // first of equal runs
            "2001:0:0:1:0:0:0:1                      | 2001:0:0:1::1",       // longest run, not the first
            "2001:db8:0:1:1:1:1:1                    | 2001:db8:0:1:1:1:1:1", // a single zero group stays
            "2001:db8::1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1",
            "1:0:0:0:0:0:0:0                         | 1::",
            "0:0:0:0:0:0:0:1                         | ::1",
            "0:0:0:0:0:0:0:0                         | ::",
            "1:2:3:4:5:6:7:8                         | 1:2:3:4:5:6:7:8",
            "1::8                                    | 1::8",
            "1:2::7:8                                | 1:2::7:8",
            "1:2:3:4:5:6::8                          | 1:2:3:4:5:6:0:8",
            "1::3:4:5:6:7:8                          | 1:0:3:4:5:6:7:8",
            "0:1:0:1:0:1:0:1                         | 0:1:0:1:0:1:0:1",
            "1:0:0:2:0:0:0:3                         | 1:0:0:2::3",
            "1:0:0:0:2:0:0:3                         | 1::2:0:0:3",
            "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::1%eth0                            | fe80::1",
            "fe80::1%25                              | fe80::1",
            "[2001:db8::1]                           | 2001:db8::1",
            "' 2001:db8::1 '                         | 2001:db8::1",
            "[fe80::1%eth0]                          | fe80::1",
            "::1.2.3.4                               | ::102:304",
            "64:ff9b::192.0.2.33                     | 64:ff9b::c000:221",
            "1:2:3:4:5:6:1.2.3.4                     | 1:2:3:4:5:6:102:304",
            "::ffff:0:192.0.2.1                      | ::ffff:0:c000:201",   // IPv4-translated, not mapped
            "::fffe:192.0.2.1                        | ::fffe:c000:201",
            "0:0:0:0:0:1:ffff:ffff                   | ::1:ffff:ffff",
    })
    void validIpv6(String text, String canonical) {
        IpAddress a = IpAddress.parse(text);
        assertTrue(a.v6(), text + " is IPv6");
        assertEquals(128, a.bits());
        assertEquals(canonical, a.toString());
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {
            ":", ":::", "::::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "::1::", "1:::2", ":1::2",
            "1::2:", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", "12345::1", "1:2:3:4:5:6:7:12345",
            "1:2:3:4:5:6:7::8", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "g::1", "2001:db8::z", "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::256.1.1.1", "::1.2.3.4:1", "1.2.3.4::", "::a.b.c.d",
            "::1234.1.1.1", "2001:db8:: 1", "2001:db8 ::1", "[2001:db8::1", "2001:db8::1]", "[[::1]]",
            "%eth0", "\uff12001:db8::1", "2001:db8::\u0661", "::\uff41", "-1::", "+1::", "0x1::1", "1:2:3:4:5:6:7:8%",
            "::ffff:192.0.2.1/128",
    })
    void invalidIpv6(String text) {
        assertRefused(text);
    }

    @ParameterizedTest(name = "{0} is IPv4 {1}")
    @CsvSource({
            "::ffff:192.0.2.1, 192.0.2.1",
            "::ffff:c000:201, 192.0.2.1",
            "::FFFF:C000:0201, 192.0.2.1",
            "0:0:0:0:0:ffff:192.0.2.1, 192.0.2.1",
            "0:0:0:0:0:FFFF:c000:201, 192.0.2.1",
            "[::ffff:192.0.2.1], 192.0.2.1",
            "::ffff:0:0, 0.0.0.0",
            "::ffff:ffff:ffff, 255.255.255.255",
            "::ffff:0.0.0.0, 0.0.0.0",
    })
    void ipv4MappedBecomesIpv4(String text, String v4) {
        IpAddress a = IpAddress.parse(text);
        assertFalse(a.v6());
        assertEquals(IpAddress.parse(v4), a);
        assertEquals(v4, a.toString());
    }

    @Test
    void parseOrNullAndTryParse() {
        assertNull(IpAddress.parseOrNull(null));
        assertNull(IpAddress.parseOrNull("nonsense"));
        assertEquals(Optional.empty(), IpAddress.tryParse("300.1.1.1"));
        assertEquals(Optional.of(IpAddress.ofV4(0xc0000201)), IpAddress.tryParse("192.0.2.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("x\ny"));
        assertEquals("not an IP address: \"x y\"", e.getMessage());
    }

    @Test
    void v4RecordRefusesBitsAbove32() {
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(false, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(false, 0, 1L << 32));
        assertEquals("255.255.255.255", IpAddress.ofV4(-1).toString());
    }

    @Test
    void randomV4RoundTrips() {
        Random r = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            IpAddress a = IpAddress.ofV4(r.nextInt());
            assertEquals(a, IpAddress.parse(a.toString()));
        }
    }

    /** Random addresses with many zero groups round-trip and agree with an independent RFC 5952 formatter. */
    @Test
    void randomV6RoundTripsAndIsCanonical() {
        Random r = new Random(6);
        for (int i = 0; i < 20_000; i++) {
            int[] g = new int[8];
            for (int k = 0; k < 8; k++) {
                g[k] = r.nextInt(3) == 0 ? 0 : r.nextInt(4) == 0 ? r.nextInt(16) : r.nextInt(0x10000);
            }
            long hi = 0;
            long lo = 0;
            for (int k = 0; k < 4; k++) {
                hi = (hi << 16) | g[k];
                lo = (lo << 16) | g[k + 4];
            }
            IpAddress a = IpAddress.fromV6Bits(hi, lo);
            if (!a.v6()) {
                continue; // landed in ::ffff:0:0/96
            }
            String text = a.toString();
            assertEquals(referenceRfc5952(g), text);
            assertEquals(a, IpAddress.parse(text));
            assertEquals(a, IpAddress.parse(fullForm(g).toUpperCase()));
            assertEquals(a, IpAddress.parse("[" + text + "]"));
        }
    }

    private static void assertRefused(String text) {
        assertNull(IpAddress.parseOrNull(text), () -> "accepted " + Text.quote(text) + " as " + IpAddress.parseOrNull(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertTrue(e.getMessage().startsWith("not an IP address: "), e.getMessage());
    }

    private static String fullForm(int[] g) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            String hex = Integer.toHexString(g[k]);
            sb.append(k == 0 ? "" : ":").append("0".repeat(4 - hex.length())).append(hex);
        }
        return sb.toString();
    }

    /** RFC 5952 section 4 written a second, simpler way: pick the run, then join the two halves. */
    private static String referenceRfc5952(int[] g) {
        int bestStart = -1;
        int bestLen = 0;
        for (int s = 0; s < 8; s++) {
            int len = 0;
            while (s + len < 8 && g[s + len] == 0) {
                len++;
            }
            if (len >= 2 && len > bestLen) {
                bestStart = s;
                bestLen = len;
            }
        }
        if (bestStart < 0) {
            return join(g, 0, 8);
        }
        return join(g, 0, bestStart) + "::" + join(g, bestStart + bestLen, 8);
    }

    private static String join(int[] g, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int k = from; k < to; k++) {
            sb.append(k == from ? "" : ":").append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }
}
