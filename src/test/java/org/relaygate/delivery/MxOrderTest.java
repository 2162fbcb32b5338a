package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5321 5.1's MX rules and address literals, without DNS. */
class MxOrderTest {

    private static MxOrder.Mx mx(int preference, String host) {
        return new MxOrder.Mx(preference, host);
    }

    @Test
    void ordersByPreference() {
        assertEquals(List.of("a.example.net", "b.example.net", "c.example.net"), MxOrder.hosts("example.net",
                List.of(mx(30, "c.example.net."), mx(10, "A.example.net."), mx(20, "b.example.net")), new Random(1)));
    }

    @Test
    void shufflesEqualPreferencesButKeepsThemBeforeWorseOnes() {
        Set<List<String>> orders = new HashSet<>();
        for (int seed = 0; seed < 50; seed++) {
            List<String> hosts = MxOrder.hosts("example.net",
                    List.of(mx(10, "a"), mx(10, "b"), mx(10, "c"), mx(5, "first"), mx(99, "last")), new Random(seed));
            assertEquals("first", hosts.get(0));
            assertEquals("last", hosts.get(4));
            orders.add(hosts);
        }
        assertTrue(orders.size() > 1, "equal preferences are spread");
    }

    @Test
    void noMxMeansTheDomainItself() {
        assertEquals(List.of("example.net"), MxOrder.hosts("example.net", List.of(), new Random()));
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ""})
    void aNullMxMeansNoMail(String root) {
        assertEquals(List.of(), MxOrder.hosts("example.net", List.of(mx(0, root)), new Random()));
    }

    @Test
    void triesEachHostOnceAndAtMostFive() {
        List<String> hosts = MxOrder.hosts("example.net", List.of(mx(1, "a"), mx(2, "a."), mx(3, "b"), mx(4, "c"),
                mx(5, "d"), mx(6, "e"), mx(7, "f")), new Random());
        assertEquals(List.of("a", "b", "c", "d", "e"), hosts);
    }

    @ParameterizedTest
    @CsvSource({"[192.0.2.1], 192.0.2.1", "[IPv6:2001:db8::1], 2001:db8::1", "[ipv6:::1], ::1"})
    void addressLiteralsGoDirect(String domain, String ip) {
        assertTrue(MxOrder.isLiteral(domain));
        assertEquals(ip, MxOrder.literal(domain));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[300.0.0.1]", "[2001:db8::1]", "[IPv6:192.0.2.1]", "[host.example]", "[]"})
    void refusesBadAddressLiterals(String domain) {
        assertThrows(IllegalArgumentException.class, () -> MxOrder.literal(domain));
    }
}
