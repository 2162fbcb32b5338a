package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.policy.Cidr;

class ClientAddressTest {

    /** A proxy on loopback and a load balancer tier in 10.1.0.0/16, as http.trusted-proxies=127.0.0.1,10.1.0.0/16. */
    private final ClientAddress behindProxies = new ClientAddress(List.of(Cidr.parse("127.0.0.1"), Cidr.parse("10.1.0.0/16"),
            Cidr.parse("2001:db8:ffff::/48")));
    private final ClientAddress direct = new ClientAddress(List.of());

    /** The header values, '|' separating several X-Forwarded-For headers; '-' is none. */
    private static List<String> headers(String xff) {
        return xff == null || xff.equals("-") ? List.of() : Arrays.asList(xff.split("\\|", -1));
    }

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            // without a trusted peer the header is ignored, whatever it says
            "192.0.2.7;    198.51.100.1;                  192.0.2.7",
            "192.0.2.7;    127.0.0.1;                     192.0.2.7",
            "10.2.0.1;     198.51.100.1;                  10.2.0.1",
            // a trusted peer: the right-most entry that is not a trusted proxy
            "127.0.0.1;    198.51.100.1;                  198.51.100.1",
            "127.0.0.1;    ' 198.51.100.1 ';              198.51.100.1",
            "127.0.0.1;    198.51.100.1, 10.1.2.3;        198.51.100.1",
            "10.1.0.5;     198.51.100.1,10.1.2.3,127.0.0.1; 198.51.100.1",
            // spoofing: what the client wrote to the left of the first untrusted entry is never read
            "127.0.0.1;    6.6.6.6, 198.51.100.1;         198.51.100.1",
            "127.0.0.1;    not-an-ip, 198.51.100.1;       198.51.100.1",
            "127.0.0.1;    10.1.9.9, 198.51.100.1;        198.51.100.1",
            // several headers are one list, in order
            "127.0.0.1;    6.6.6.6|198.51.100.1;          198.51.100.1",
            "127.0.0.1;    198.51.100.1|10.1.2.3;         198.51.100.1",
            // malformed where it is read: the peer's own address, never a guess
            "127.0.0.1;    'garbage';                     127.0.0.1",
            "127.0.0.1;    198.51.100.1:4711;             127.0.0.1",
            "127.0.0.1;    '198.51.100.1, ';              127.0.0.1",
            "127.0.0.1;    '';                            127.0.0.1",
            "127.0.0.1;    198.51.100.1, unknown, 10.1.2.3; 127.0.0.1",
            "127.0.0.1;    fe80::1%eth0;                  127.0.0.1",
            // no header from a trusted peer (the proxy's own health check)
            "127.0.0.1;    -;                             127.0.0.1",
            // every entry a trusted proxy: the left-most
            "127.0.0.1;    10.1.0.7, 10.1.0.8;            10.1.0.7",
            // canonical forms, IPv6 and IPv4-mapped
            "::ffff:127.0.0.1; 198.51.100.1;              198.51.100.1",
            "2001:db8:ffff::1; 2001:DB8:0:0::7, 2001:db8:ffff::2; 2001:db8::7",
            "127.0.0.1;    [2001:db8::7];                 2001:db8::7",
            "127.0.0.1;    ::ffff:198.51.100.1;           198.51.100.1",
            "2001:0db8::0001; 198.51.100.1;               2001:db8::1",
    })
    void resolves(String peer, String xff, String expected) {
        assertEquals(expected, behindProxies.resolve(peer, headers(xff)));
    }

    @Test
    void withoutTrustedProxiesThePeerAlways() {
        assertEquals("127.0.0.1", direct.resolve("127.0.0.1", List.of("198.51.100.1")));
        assertEquals("2001:db8::1", direct.resolve("2001:db8:0::1", List.of()));
    }

    @Test
    void aPeerWithoutAnAddress() {
        assertEquals(ClientAddress.UNKNOWN, behindProxies.resolve(null, List.of("198.51.100.1")));
        assertEquals("some.socket", behindProxies.resolve("some.socket", List.of("198.51.100.1")), "a unix socket path, say");
    }
}
