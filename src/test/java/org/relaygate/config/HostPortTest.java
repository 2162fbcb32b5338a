package org.relaygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:10040           | 127.0.0.1        | 10040 | 127.0.0.1:10040",
            "localhost:0               | localhost        | 0     | localhost:0",
            "0.0.0.0:65535             | 0.0.0.0          | 65535 | 0.0.0.0:65535",
            "mail-relay.example.org:25 | mail-relay.example.org | 25 | mail-relay.example.org:25",
            "[::1]:10040               | ::1              | 10040 | [::1]:10040",
            "[::]:25                   | ::               | 25    | [::]:25",
            "[2001:db8::7]:587         | 2001:db8::7      | 587   | [2001:db8::7]:587",
            "[fe80::1%eth0]:25         | fe80::1%eth0     | 25    | [fe80::1%eth0]:25",
            "[::ffff:127.0.0.1]:25     | ::ffff:127.0.0.1 | 25    | [::ffff:127.0.0.1]:25",
            "'  127.0.0.1:1  '         | 127.0.0.1        | 1     | 127.0.0.1:1",
    })
    void parses(String text, String host, int port, String shown) {
        HostPort hp = HostPort.parse(text);
        assertEquals(new HostPort(host, port), hp);
        assertEquals(shown, hp.toString());
        assertEquals(hp, HostPort.parse(hp.toString()), "round trip");
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "::1:10040          | write an IPv6 host in brackets, as in [::1]:10040: got \"::1:10040\"",
            "2001:db8::1:25     | write an IPv6 host in brackets, as in [::1]:10040: got \"2001:db8::1:25\"",
            "::1                | write an IPv6 host in brackets, as in [::1]:10040: got \"::1\"",
            "127.0.0.1          | expected HOST:PORT, got \"127.0.0.1\"",
            "127.0.0.1:         | expected HOST:PORT, got \"127.0.0.1:\"",
            ":10040             | expected HOST:PORT, got \":10040\"",
            "''                 | expected HOST:PORT, got \"\"",
            "NULL               | expected HOST:PORT, got \"\"",
            "[::1]              | expected HOST:PORT, got \"[::1]\"",
            "[::1]:             | expected HOST:PORT, got \"[::1]:\"",
            "[]:80              | only an IPv6 address goes in brackets: \"[]:80\"",
            "[[::1]]:80         | only an IPv6 address goes in brackets: \"[[::1]]:80\"",
            "host:port          | bad port in \"host:port\"",
            "host:-1            | bad port in \"host:-1\"",
            "host:+80           | bad port in \"host:+80\"",
            "host:8 0           | bad port in \"host:8 0\"",
            "host:99999999999   | bad port in \"host:99999999999\"",
            "host:65536         | port out of range: 65536",
            "[::1]x:80          | bad host in \"[::1]x:80\"",
            "[::1:80            | bad host in \"[::1:80\"",
            "[localhost]:80     | only an IPv6 address goes in brackets: \"[localhost]:80\"",
            "[1:2]:80           | only an IPv6 address goes in brackets: \"[1:2]:80\"",
            "[127.0.0.1]:80     | only an IPv6 address goes in brackets: \"[127.0.0.1]:80\"",
            "exa mple:80        | bad host in \"exa mple:80\"",
            "host/x:80          | bad host in \"host/x:80\"",
    })
    void refuses(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesControlCharactersInTheHost() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("lo\u0000cal:80"));
        assertEquals("bad host in \"lo cal:80\"", e.getMessage());
    }

    @Test
    void constructorChecksItsInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new HostPort(null, 1));
        assertThrows(IllegalArgumentException.class, () -> new HostPort(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> new HostPort("h", -1));
        assertThrows(IllegalArgumentException.class, () -> new HostPort("h", 65536));
    }
}
