package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrIndexTest {

    /** Networks named by their text; the value is the text so a failure reads plainly. */
    private static CidrIndex<String> index(String... cidrs) {
        List<CidrIndex.Entry<String>> entries = new ArrayList<>();
        for (String c : cidrs) {
            entries.add(new CidrIndex.Entry<>(Cidr.parse(c), c));
        }
        return CidrIndex.build(entries);
    }

    /** The values of matches(), most specific first, joined by spaces; "-" when none. */
    private static String matches(CidrIndex<String> index, String address) {
        List<CidrIndex.Entry<String>> m = index.matches(IpAddress.parse(address));
        if (m.isEmpty()) {
            return "-";
        }
        List<String> values = new ArrayList<>();
        m.forEach(e -> values.add(e.value()));
        return String.join(" ", values);
    }

    private static final CidrIndex<String> NESTED = index(
            "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "10.1.3.0/24", "10.2.0.0/16",
            "192.0.2.0/25", "192.0.2.128/25", "192.0.2.0/24",
            "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::1/128", "2001:db8:1:2::/64");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "9.255.255.255     | -",
            "10.0.0.0          | 10.0.0.0/8",
            "10.0.255.255      | 10.0.0.0/8",
            "10.1.0.0          | 10.1.0.0/16 10.0.0.0/8",
            "10.1.2.2          | 10.1.2.0/24 10.1.0.0/16 10.0.0.0/8",
            "10.1.2.3          | 10.1.2.3/32 10.1.2.0/24 10.1.0.0/16 10.0.0.0/8",
            "10.1.2.4          | 10.1.2.0/24 10.1.0.0/16 10.0.0.0/8",
            "10.1.2.255        | 10.1.2.0/24 10.1.0.0/16 10.0.0.0/8",
            "10.1.3.0          | 10.1.3.0/24 10.1.0.0/16 10.0.0.0/8",
            "10.1.4.0          | 10.1.0.0/16 10.0.0.0/8",
            "10.1.255.255      | 10.1.0.0/16 10.0.0.0/8",
            "10.2.0.0          | 10.2.0.0/16 10.0.0.0/8",
            "10.3.0.0          | 10.0.0.0/8",
            "10.255.255.255    | 10.0.0.0/8",
            "11.0.0.0          | -",
            "192.0.1.255       | -",
            "192.0.2.0         | 192.0.2.0/25 192.0.2.0/24",
            "192.0.2.127       | 192.0.2.0/25 192.0.2.0/24",
            "192.0.2.128       | 192.0.2.128/25 192.0.2.0/24",
            "192.0.2.255       | 192.0.2.128/25 192.0.2.0/24",
            "192.0.3.0         | -",
            "::ffff:10.1.2.3   | 10.1.2.3/32 10.1.2.0/24 10.1.0.0/16 10.0.0.0/8",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff | -",
            "2001:db8::        | 2001:db8::/32",
            "2001:db8:1::      | 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:1::1     | 2001:db8:1::1/128 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:1::2     | 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:1:2::    | 2001:db8:1:2::/64 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:1:2:ffff:ffff:ffff:ffff | 2001:db8:1:2::/64 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:1:3::    | 2001:db8:1::/48 2001:db8::/32",
            "2001:db8:2::      | 2001:db8::/32",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | 2001:db8::/32",
            "2001:db9::        | -",
            "::a01:203         | -",
            "::                | -",
    })
    void longestMatchWithNestedAndAdjacentNetworks(String address, String expected) {
        assertEquals(expected, matches(NESTED, address));
        String longest = NESTED.longestMatch(IpAddress.parse(address));
        assertEquals(expected.equals("-") ? null : expected.split(" ")[0], longest);
        CidrIndex.Entry<String> entry = NESTED.longestMatchEntry(IpAddress.parse(address));
        assertEquals(longest, entry == null ? null : entry.value());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0                                 | 0.0.0.0/32 0.0.0.0/0",
            "0.0.0.1                                 | 0.0.0.0/0",
            "127.255.255.255                         | 0.0.0.0/0",
            "255.255.255.254                         | 255.255.255.254/31 0.0.0.0/0",
            "255.255.255.255                         | 255.255.255.255/32 255.255.255.254/31 0.0.0.0/0",
            "::                                      | ::/128 ::/0",
            "::1                                     | ::/0",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe | ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127 ffff::/16 ::/0",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127 ffff::/16 ::/0",
            "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ::/0",
    })
    void defaultRoutesAndTheEdgesOfEachFamily(String address, String expected) {
        CidrIndex<String> index = index("0.0.0.0/0", "0.0.0.0/32", "255.255.255.254/31", "255.255.255.255/32",
                "::/0", "::/128", "ffff::/16", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
        assertEquals(expected, matches(index, address));
    }

    @Test
    void hostEntriesAtTheVeryEndWithoutCoveringNetworks() {
        CidrIndex<String> index = index("255.255.255.255/32", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
                "0.0.0.0/32", "::/128");
        assertEquals("255.255.255.255/32", matches(index, "255.255.255.255"));
        assertEquals("-", matches(index, "255.255.255.254"));
        assertEquals("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", matches(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals("-", matches(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
        assertEquals("0.0.0.0/32", matches(index, "0.0.0.0"));
        assertEquals("-", matches(index, "0.0.0.1"));
        assertEquals("::/128", matches(index, "::"));
        assertEquals("-", matches(index, "::1"));
    }

    @Test
    void familiesAreKeptApart() {
        CidrIndex<String> v4Only = index("0.0.0.0/0");
        assertEquals("-", matches(v4Only, "::1"));
        assertEquals("-", matches(v4Only, "::"));
        assertEquals("-", matches(v4Only, "2001:db8::1"));
        assertEquals("0.0.0.0/0", matches(v4Only, "::ffff:192.0.2.1"));
        CidrIndex<String> v6Only = index("::/0");
        assertEquals("-", matches(v6Only, "0.0.0.0"));
        assertEquals("-", matches(v6Only, "192.0.2.1"));
        assertEquals("-", matches(v6Only, "::ffff:192.0.2.1"));
        assertEquals("::/0", matches(v6Only, "::c000:201"));
    }

    @Test
    void duplicatesLaterWinsAndEarlierIsItsParent() {
        List<CidrIndex.Entry<String>> entries = List.of(
                new CidrIndex.Entry<>(Cidr.parse("192.0.2.0/24"), "first"),
                new CidrIndex.Entry<>(Cidr.parse("10.0.0.0/8"), "other"),
                new CidrIndex.Entry<>(Cidr.parse("192.0.2.0/24"), "second"),
                new CidrIndex.Entry<>(Cidr.parse("192.0.2.0/24"), "third"),
                new CidrIndex.Entry<>(Cidr.parse("192.0.2.7/32"), "host"),
                new CidrIndex.Entry<>(Cidr.parse("2001:db8::/32"), "v6-a"),
                new CidrIndex.Entry<>(Cidr.parse("2001:db8::/32"), "v6-b"));
        CidrIndex<String> index = CidrIndex.build(entries);
        assertEquals(7, index.size());
        assertEquals("third", index.longestMatch(IpAddress.parse("192.0.2.1")));
        assertEquals("third second first", matches(index, "192.0.2.1"));
        assertEquals("host third second first", matches(index, "192.0.2.7"));
        assertEquals("third second first", matches(index, "192.0.2.255"));
        assertEquals("v6-b v6-a", matches(index, "2001:db8::9"));
    }

    @Test
    void emptyIndexMatchesNothing() {
        for (CidrIndex<String> empty : List.of(CidrIndex.<String>empty(), CidrIndex.<String>build(List.of()))) {
            assertEquals(0, empty.size());
            for (String a : new String[] {"0.0.0.0", "255.255.255.255", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
                assertNull(empty.longestMatch(IpAddress.parse(a)));
                assertNull(empty.longestMatchEntry(IpAddress.parse(a)));
                assertTrue(empty.matches(IpAddress.parse(a)).isEmpty());
            }
        }
    }

    @Test
    void inputOrderOfDistinctNetworksDoesNotMatter() {
        CidrIndex<String> shuffled = index("10.1.2.3/32", "2001:db8:1::1/128", "192.0.2.0/24", "10.1.0.0/16",
                "2001:db8::/32", "10.1.3.0/24", "10.0.0.0/8", "192.0.2.128/25", "10.1.2.0/24", "2001:db8:1:2::/64",
                "10.2.0.0/16", "192.0.2.0/25", "2001:db8:1::/48");
        for (String a : new String[] {"10.1.2.3", "10.1.2.4", "10.1.3.9", "10.9.9.9", "192.0.2.200", "2001:db8:1::1",
                "2001:db8:1:2::5", "2001:db8:9::", "11.0.0.0"}) {
            assertEquals(matches(NESTED, a), matches(shuffled, a), a);
        }
    }

    @Test
    void deepDuplicateNestingBeyondTheInitialStack() {
        List<CidrIndex.Entry<String>> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            entries.add(new CidrIndex.Entry<>(Cidr.parse("2001:db8::/64"), "d" + i));
        }
        for (int len = 0; len <= 128; len++) {
            entries.add(new CidrIndex.Entry<>(new Cidr(Cidr.mask(IpAddress.parse("2001:db8::1"), len), len), "p" + len));
        }
        CidrIndex<String> index = CidrIndex.build(entries);
        List<CidrIndex.Entry<String>> m = index.matches(IpAddress.parse("2001:db8::1"));
        assertEquals(429, m.size());
        assertEquals("p128", m.get(0).value());
        assertEquals("p64", m.get(64).value());
        assertEquals("d299", m.get(65).value());
        assertEquals("d0", m.get(364).value());
        assertEquals("p0", m.get(428).value());
    }

    @Test
    void anIpv6NetworkInTheMappedRangeStaysIpv6() {
        // Cidr.parse maps ::ffff:0:0/96 to IPv4, but a caller can still build such an IPv6 network by hand.
        Cidr mapped = new Cidr(new IpAddress(true, 0, 0xffff_c000_0200L), 120);
        CidrIndex<String> index = CidrIndex.build(List.of(new CidrIndex.Entry<>(mapped, "mapped")));
        assertNull(index.longestMatch(IpAddress.parse("::ffff:192.0.2.1")));
        assertNull(index.longestMatch(IpAddress.parse("192.0.2.1")));
        CidrIndex.Entry<String> entry = index.longestMatchEntry(new IpAddress(true, 0, 0xffff_c000_0201L));
        assertEquals(new CidrIndex.Entry<>(mapped, "mapped"), entry);
        assertTrue(entry.cidr().v6());
    }

    @Test
    void entriesComeBackWithTheirNetworks() {
        List<CidrIndex.Entry<String>> m = NESTED.matches(IpAddress.parse("2001:db8:1::1"));
        assertEquals(List.of(Cidr.parse("2001:db8:1::1/128"), Cidr.parse("2001:db8:1::/48"), Cidr.parse("2001:db8::/32")),
                m.stream().map(CidrIndex.Entry::cidr).toList());
        assertEquals(Cidr.parse("10.1.2.0/24"), NESTED.longestMatchEntry(IpAddress.parse("10.1.2.200")).cidr());
    }

    @Test
    void matchesIsUnmodifiable() {
        List<CidrIndex.Entry<String>> m = NESTED.matches(IpAddress.parse("10.1.2.3"));
        assertThrows(UnsupportedOperationException.class, () -> m.add(m.get(0)));
    }
}
