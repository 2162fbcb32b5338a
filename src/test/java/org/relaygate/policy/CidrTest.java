package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.0/24                | 192.0.2.0/24     | 192.0.2.0/24",
            "192.0.2.7                   | 192.0.2.7/32     | 192.0.2.7",
            "192.0.2.7/32                | 192.0.2.7/32     | 192.0.2.7",
            "0.0.0.0/0                   | 0.0.0.0/0        | 0.0.0.0/0",
            "10.0.0.0/8                  | 10.0.0.0/8       | 10.0.0.0/8",
            "128.0.0.0/1                 | 128.0.0.0/1      | 128.0.0.0/1",
            "' 192.0.2.0/24 '            | 192.0.2.0/24     | 192.0.2.0/24",
            "2001:db8::/32               | 2001:db8::/32    | 2001:db8::/32",
            "2001:DB8:0:0::/64           | 2001:db8::/64    | 2001:db8::/64",
            "2001:db8::1                 | 2001:db8::1/128  | 2001:db8::1",
            "2001:db8::1/128             | 2001:db8::1/128  | 2001:db8::1",
            "::/0                        | ::/0             | ::/0",
            "8000::/1                    | 8000::/1         | 8000::/1",
            "[2001:db8::]/48             | 2001:db8::/48    | 2001:db8::/48",
            "::ffff:192.0.2.0/120        | 192.0.2.0/24     | 192.0.2.0/24",
            "::ffff:c000:200/120         | 192.0.2.0/24     | 192.0.2.0/24",
            "::ffff:192.0.2.1            | 192.0.2.1/32     | 192.0.2.1",
            "::ffff:192.0.2.1/128        | 192.0.2.1/32     | 192.0.2.1",
            "::ffff:0:0/96               | 0.0.0.0/0        | 0.0.0.0/0",
            "192.0.2.0/024               | 192.0.2.0/24     | 192.0.2.0/24",
    })
    void parsesToCanonical(String text, String canonical, String display) {
        Cidr c = Cidr.parse(text);
        assertEquals(canonical, c.toString());
        assertEquals(display, c.toDisplayString());
        assertEquals(c, Cidr.parse(c.toString()), "round trip");
        assertEquals(c, Cidr.parse(c.toDisplayString()), "display round trip");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.7/24               | \"192.0.2.7/24\" has host bits set; did you mean 192.0.2.0/24?",
            "10.1.2.3/8                 | \"10.1.2.3/8\" has host bits set; did you mean 10.0.0.0/8?",
            "0.0.0.1/0                  | \"0.0.0.1/0\" has host bits set; did you mean 0.0.0.0/0?",
            "192.0.2.1/31               | \"192.0.2.1/31\" has host bits set; did you mean 192.0.2.0/31?",
            "2001:db8::1/64             | \"2001:db8::1/64\" has host bits set; did you mean 2001:db8::/64?",
            "2001:db8:1::/32            | \"2001:db8:1::/32\" has host bits set; did you mean 2001:db8::/32?",
            "::1/127                    | \"::1/127\" has host bits set; did you mean ::/127?",
            "::ffff:192.0.2.1/120       | \"::ffff:192.0.2.1/120\" has host bits set; did you mean 192.0.2.0/24?",
            "::ffff:192.0.2.0/95        | IPv4-mapped network \"::ffff:192.0.2.0/95\" is wider than the mapped range",
            "::ffff:0:0/64              | IPv4-mapped network \"::ffff:0:0/64\" is wider than the mapped range",
            "192.0.2.0/33               | prefix length /33 too long in \"192.0.2.0/33\"",
            "2001:db8::/129             | prefix length /129 too long in \"2001:db8::/129\"",
            "::ffff:192.0.2.0/129       | prefix length /129 too long in \"::ffff:192.0.2.0/129\"",
            "192.0.2.0/                 | bad prefix length in \"192.0.2.0/\"",
            "192.0.2.0/-1               | bad prefix length in \"192.0.2.0/-1\"",
            "192.0.2.0/+8               | bad prefix length in \"192.0.2.0/+8\"",
            "192.0.2.0/1000             | bad prefix length in \"192.0.2.0/1000\"",
            "192.0.2.0/24/24            | bad prefix length in \"192.0.2.0/24/24\"",
            "192.0.2.0/2x               | bad prefix length in \"192.0.2.0/2x\"",
            "192.0.2.0/ 24              | bad prefix length in \"192.0.2.0/ 24\"",
            "192.0.2.0/\u0662\u0664     | bad prefix length in \"192.0.2.0/\u0662\u0664\"",
            "/24                        | not an IP address or CIDR: \"/24\"",
            "192.0.2/24                 | not an IP address or CIDR: \"192.0.2/24\"",
            "fe80::%eth0/64             | not an IP address or CIDR: \"fe80::%eth0/64\"",
            "fe80::1%eth0               | not an IP address or CIDR: \"fe80::1%eth0\"",
            "example.org/24             | not an IP address or CIDR: \"example.org/24\"",
            "2001:db8::/32%eth0         | bad prefix length in \"2001:db8::/32%eth0\"",
    })
    void refusesWithClearMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesEmpty() {
        assertEquals("empty address", assertThrows(IllegalArgumentException.class, () -> Cidr.parse(null)).getMessage());
        assertEquals("empty address", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("  ")).getMessage());
    }

    @Test
    void constructorGuardsItsInvariant() {
        assertThrows(IllegalArgumentException.class, () -> new Cidr(IpAddress.parse("192.0.2.1"), 24));
        assertThrows(IllegalArgumentException.class, () -> new Cidr(IpAddress.parse("192.0.2.0"), 33));
        assertThrows(IllegalArgumentException.class, () -> new Cidr(IpAddress.parse("192.0.2.0"), -1));
        assertThrows(IllegalArgumentException.class, () -> new Cidr(IpAddress.parse("::"), 129));
        assertEquals(Cidr.parse("2001:db8::5/128"), Cidr.host(IpAddress.parse("2001:db8::5")));
        assertEquals(Cidr.parse("192.0.2.5/32"), Cidr.host(IpAddress.parse("192.0.2.5")));
    }

    @ParameterizedTest(name = "{0}: {1} .. {2}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0/0             | 0.0.0.0         | 255.255.255.255",
            "0.0.0.0/1             | 0.0.0.0         | 127.255.255.255",
            "128.0.0.0/1           | 128.0.0.0       | 255.255.255.255",
            "192.0.2.0/24          | 192.0.2.0       | 192.0.2.255",
            "192.0.2.6/31          | 192.0.2.6       | 192.0.2.7",
            "192.0.2.7/32          | 192.0.2.7       | 192.0.2.7",
            "255.255.255.254/31    | 255.255.255.254 | 255.255.255.255",
            "255.255.255.255/32    | 255.255.255.255 | 255.255.255.255",
            "::/0                  | ::              | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::/1                  | ::              | 7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "8000::/1              | 8000::          | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:db8::/63         | 2001:db8::      | 2001:db8:0:1:ffff:ffff:ffff:ffff",
            "2001:db8::/64         | 2001:db8::      | 2001:db8::ffff:ffff:ffff:ffff",
            "2001:db8::/65         | 2001:db8::      | 2001:db8::7fff:ffff:ffff:ffff",
            "2001:db8::/31         | 2001:db8::      | 2001:db9:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:db8::/127        | 2001:db8::      | 2001:db8::1",
            "2001:db8::1/128       | 2001:db8::1     | 2001:db8::1",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127 | ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void firstAndLast(String cidr, String first, String last) {
        Cidr c = Cidr.parse(cidr);
        assertEquals(IpAddress.parse(first), c.first());
        assertEquals(IpAddress.parse(last), c.last());
        assertTrue(c.contains(c.first()));
        assertTrue(c.contains(c.last()));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.0/24   | 192.0.2.0       | true",
            "192.0.2.0/24   | 192.0.2.255     | true",
            "192.0.2.0/24   | 192.0.1.255     | false",
            "192.0.2.0/24   | 192.0.3.0       | false",
            "192.0.2.0/24   | ::ffff:192.0.2.9 | true",
            "0.0.0.0/0      | 255.255.255.255 | true",
            "0.0.0.0/0      | ::1             | false",
            "0.0.0.0/0      | ::              | false",
            "::/0           | 0.0.0.0         | false",
            "::/0           | 192.0.2.1       | false",
            "::/0           | ::ffff:192.0.2.1 | false",
            "::/0           | ::1             | true",
            "::/96          | ::192.0.2.1     | true",
            "2001:db8::/32  | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | true",
            "2001:db8::/32  | 2001:db9::      | false",
            "2001:db8::/32  | 2001:db7:ffff:ffff:ffff:ffff:ffff:ffff | false",
            "2001:db8::1/128 | 2001:db8::1    | true",
            "2001:db8::1/128 | 2001:db8::2    | false",
    })
    void containsAddress(String cidr, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(cidr).contains(IpAddress.parse(address)));
    }

    @ParameterizedTest(name = "{0} ~ {1}: contains {2}, overlaps {3}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.0/24   | 192.0.2.128/25  | true  | true",
            "192.0.2.128/25 | 192.0.2.0/24    | false | true",
            "192.0.2.0/24   | 192.0.2.0/24    | true  | true",
            "192.0.2.0/25   | 192.0.2.128/25  | false | false",
            "192.0.2.0/24   | 192.0.3.0/24    | false | false",
            "0.0.0.0/0      | 192.0.2.7/32    | true  | true",
            "0.0.0.0/0      | ::/0            | false | false",
            "::/0           | 0.0.0.0/0       | false | false",
            "::/0           | 2001:db8::/32   | true  | true",
            "2001:db8::/32  | 2001:db8:1::/48 | true  | true",
            "2001:db8::/48  | 2001:db8:1::/48 | false | false",
            "2001:db8::/127 | 2001:db8::1/128 | true  | true",
            "2001:db8::/128 | 2001:db8::1/128 | false | false",
    })
    void containsAndOverlaps(String a, String b, boolean contains, boolean overlaps) {
        Cidr x = Cidr.parse(a);
        Cidr y = Cidr.parse(b);
        assertEquals(contains, x.contains(y));
        assertEquals(overlaps, x.overlaps(y));
        assertEquals(overlaps, y.overlaps(x), "overlaps is symmetric");
    }

    /** Every prefix length of both families: first/last/contains agree with plain BigInteger arithmetic. */
    @Test
    void everyPrefixLengthAgreesWithArithmetic() {
        Random r = new Random(7);
        for (int len = 0; len <= 128; len++) {
            for (int trial = 0; trial < 20; trial++) {
                if (len <= 32) {
                    checkAgainstArithmetic(IpAddress.ofV4(r.nextInt()), len);
                }
                checkAgainstArithmetic(IpAddress.fromV6Bits(0x2000_0000_0000_0000L | r.nextLong() >>> 3, r.nextLong()), len);
            }
        }
    }

    private static void checkAgainstArithmetic(IpAddress a, int len) {
        int bits = a.bits();
        java.math.BigInteger value = toBig(a);
        java.math.BigInteger size = java.math.BigInteger.ONE.shiftLeft(bits - len);
        java.math.BigInteger first = value.subtract(value.mod(size));
        java.math.BigInteger last = first.add(size).subtract(java.math.BigInteger.ONE);
        Cidr c = new Cidr(Cidr.mask(a, len), len);
        assertEquals(first, toBig(c.first()), c.toString());
        assertEquals(last, toBig(c.last()), c.toString());
        assertTrue(c.contains(a));
        assertEquals(c, Cidr.parse(c.toString()));
        if (len > 0) {
            java.math.BigInteger max = java.math.BigInteger.ONE.shiftLeft(bits);
            if (first.signum() > 0) {
                assertFalse(c.contains(fromBig(first.subtract(java.math.BigInteger.ONE), a.v6())), c + " before");
            }
            if (last.add(java.math.BigInteger.ONE).compareTo(max) < 0) {
                assertFalse(c.contains(fromBig(last.add(java.math.BigInteger.ONE), a.v6())), c + " after");
            }
        }
    }

    private static java.math.BigInteger toBig(IpAddress a) {
        java.math.BigInteger lo = new java.math.BigInteger(Long.toUnsignedString(a.lo()));
        return new java.math.BigInteger(Long.toUnsignedString(a.hi())).shiftLeft(64).or(lo);
    }

    private static IpAddress fromBig(java.math.BigInteger v, boolean v6) {
        long lo = v.longValue();
        long hi = v.shiftRight(64).longValue();
        return new IpAddress(v6, hi, lo);
    }
}
