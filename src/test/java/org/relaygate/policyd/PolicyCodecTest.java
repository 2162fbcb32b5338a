package org.relaygate.policyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.relaygate.policy.Action;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.Reason;

class PolicyCodecTest {

    private static final int MAX_ATTRIBUTES = 8;
    private static final int MAX_LINE = 300;

    /** Splits a transcript the way the framing does: on "\n", an unterminated tail is not a line yet. */
    private static List<PolicyCodec.Result> feed(PolicyCodec codec, String transcript) {
        List<PolicyCodec.Result> results = new ArrayList<>();
        int start = 0;
        for (int nl = transcript.indexOf('\n'); nl >= 0; nl = transcript.indexOf('\n', start)) {
            results.add(codec.onLine(transcript.substring(start, nl)));
            start = nl + 1;
        }
        return results;
    }

    private static PolicyCodec codec() {
        return new PolicyCodec(MAX_ATTRIBUTES, MAX_LINE);
    }

    /** The one result that is not NeedMore; fails when there is none or more than one. */
    private static PolicyCodec.Result outcome(String transcript) {
        List<PolicyCodec.Result> finals = feed(codec(), transcript).stream()
                .filter(r -> r != PolicyCodec.NeedMore.INSTANCE).toList();
        assertEquals(1, finals.size(), () -> "results: " + finals);
        return finals.get(0);
    }

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("normal request",
                        "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.1\n\n",
                        Map.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "client_address", "192.0.2.1")),
                Arguments.of("CRLF line ends",
                        "request=smtpd_access_policy\r\nclient_address=192.0.2.1\r\n\r\n",
                        Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.1")),
                Arguments.of("unknown attributes kept, order free",
                        "x_future=1\nclient_address=192.0.2.1\nrequest=smtpd_access_policy\n\n",
                        Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.1", "x_future", "1")),
                Arguments.of("value containing '='",
                        "request=smtpd_access_policy\nccert_subject=CN=a=b, O=x\n\n",
                        Map.of("request", "smtpd_access_policy", "ccert_subject", "CN=a=b, O=x")),
                Arguments.of("empty values",
                        "request=smtpd_access_policy\nsender=\nclient_name=\n\n",
                        Map.of("request", "smtpd_access_policy", "sender", "", "client_name", "")),
                Arguments.of("tab inside a value",
                        "request=smtpd_access_policy\nnote=a\tb\n\n",
                        Map.of("request", "smtpd_access_policy", "note", "a\tb")),
                Arguments.of("stray blank lines before the request are ignored",
                        "\n\r\n\nrequest=smtpd_access_policy\nclient_address=::ffff:192.0.2.1\n\n",
                        Map.of("request", "smtpd_access_policy", "client_address", "::ffff:192.0.2.1")),
                Arguments.of("UTF-8 value (SMTPUTF8 sender)",
                        "request=smtpd_access_policy\nsender=jörg@example.org\n\n",
                        Map.of("request", "smtpd_access_policy", "sender", "jörg@example.org")),
                Arguments.of("exactly the attribute limit",
                        "request=smtpd_access_policy\na=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\n\n",
                        Map.of("request", "smtpd_access_policy", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
                                "f", "6", "g", "7")),
                Arguments.of("line exactly at the length limit (CR not counted)",
                        "request=smtpd_access_policy\nv=" + "x".repeat(MAX_LINE - 2) + "\r\n\n",
                        Map.of("request", "smtpd_access_policy", "v", "x".repeat(MAX_LINE - 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void parsesWellFormedRequests(String name, String transcript, Map<String, String> expected) {
        PolicyCodec.Result result = outcome(transcript);
        PolicyCodec.Complete complete = assertInstanceOf(PolicyCodec.Complete.class, result);
        assertEquals(expected, complete.request().attributes());
    }

    static Stream<Arguments> garbled() {
        String request = "request=smtpd_access_policy\n";
        return Stream.of(
                Arguments.of("line without '='", request + "client_address 192.0.2.1\n\n", "line without '='"),
                Arguments.of("empty name", request + "=192.0.2.1\n\n", "empty attribute name"),
                Arguments.of("NUL byte", request + "client_address=192.0.2.1\0\n\n", "control character 0x00"),
                Arguments.of("escape character", request + "sender=\u001b[31m\n\n", "control character 0x1b"),
                Arguments.of("DEL", request + "sender=a\u007fb\n\n", "control character 0x7f"),
                Arguments.of("C1 control (NEL)", request + "sender=a\u0085b\n\n", "control character 0x85"),
                Arguments.of("CR inside a line", request + "sender=a\rb\n\n", "control character 0x0d"),
                Arguments.of("binary junk", "\u00ff\u00fe\u0000\u0001\n", "control character 0x00"),
                Arguments.of("junk without '='", "\u00ff\u00fe garbage\n", "line without '='"),
                Arguments.of("too many attributes",
                        request + "a=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\nh=8\n\n", "more than 8 attributes"),
                Arguments.of("repeated name", request + "client_address=192.0.2.1\nclient_address=10.0.0.1\n\n",
                        "attribute \"client_address\" repeated"),
                Arguments.of("no request attribute", "client_address=192.0.2.1\n\n", "no request attribute"),
                Arguments.of("wrong request type", "request=junk\nclient_address=192.0.2.1\n\n",
                        "request=\"junk\" is not smtpd_access_policy"),
                Arguments.of("line over the limit", request + "v=" + "x".repeat(MAX_LINE - 1) + "\n\n",
                        "line longer than 300 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbled")
    void refusesGarbledRequests(String name, String transcript, String reason) {
        List<PolicyCodec.Result> results = feed(codec(), transcript).stream()
                .filter(r -> r != PolicyCodec.NeedMore.INSTANCE).toList();
        assertFalse(results.isEmpty(), "no verdict");
        PolicyCodec.Garbled garbled = assertInstanceOf(PolicyCodec.Garbled.class, results.get(0));
        assertEquals(reason, garbled.reason());
        // Sticky: whatever follows on that connection is never answered.
        assertTrue(results.stream().allMatch(garbled::equals), results::toString);
    }

    @Test
    void garbledStaysGarbledSoNothingAfterItIsAnswered() {
        PolicyCodec codec = codec();
        List<PolicyCodec.Result> results = feed(codec,
                "request=smtpd_access_policy\nbroken\n\nrequest=smtpd_access_policy\nclient_address=192.0.2.1\n\n");
        assertTrue(results.stream().skip(1).allMatch(r -> r instanceof PolicyCodec.Garbled), results::toString);
        assertFalse(codec.inRequest());
    }

    @Test
    void manyRequestsOnOneCodecDoNotShareAttributes() {
        PolicyCodec codec = codec();
        List<PolicyRequest> requests = feed(codec,
                "request=smtpd_access_policy\nclient_address=192.0.2.1\nsender=a@example.org\n\n"
                        + "request=smtpd_access_policy\nclient_address=192.0.2.2\n\n").stream()
                .filter(r -> r instanceof PolicyCodec.Complete)
                .map(r -> ((PolicyCodec.Complete) r).request()).toList();
        assertEquals(List.of(
                Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.1", "sender", "a@example.org"),
                Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.2")),
                requests.stream().map(PolicyRequest::attributes).toList());
    }

    @Test
    void knowsWhenARequestIsHalfDone() {
        PolicyCodec codec = codec();
        assertFalse(codec.inRequest());
        codec.onLine("request=smtpd_access_policy");
        assertTrue(codec.inRequest());
        assertInstanceOf(PolicyCodec.Complete.class, codec.onLine(""));
        assertFalse(codec.inRequest());
    }

    static Stream<Arguments> replies() {
        Cidr net = Cidr.parse("192.0.2.0/24");
        return Stream.of(
                Arguments.of(new Decision(Action.OK, "", Reason.REGISTERED, 7, net), "action=OK\n\n"),
                Arguments.of(new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null), "action=DUNNO\n\n"),
                Arguments.of(new Decision(Action.REJECT, "5.7.1 Client 198.51.100.1 is not registered", Reason.NOT_REGISTERED, 0, null),
                        "action=REJECT 5.7.1 Client 198.51.100.1 is not registered\n\n"),
                Arguments.of(new Decision(Action.REJECT, "5.7.1 two\nlines\r\n\n", Reason.BLOCKED, 0, net),
                        "action=REJECT 5.7.1 two lines\n\n"),
                Arguments.of(new Decision(Action.DEFER_IF_PERMIT, "4.7.1 later", Reason.PENDING, 3, net),
                        "action=DEFER_IF_PERMIT 4.7.1 later\n\n"),
                Arguments.of(new Decision(Action.DEFER, "4.7.1 over a limit", Reason.RATE_LIMITED, 3, net),
                        "action=DEFER 4.7.1 over a limit\n\n"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("replies")
    void encodesExactlyOneActionLineAndAnEmptyLine(Decision decision, String expected) {
        assertEquals(expected, PolicyCodec.encode(decision));
        assertEquals(expected, new String(PolicyCodec.encodeBytes(decision), StandardCharsets.UTF_8));
    }

    @Test
    void requestLargerThanTheSizeBoundIsGarbledAndTheNextRequestStartsFresh() {
        PolicyCodec bounded = new PolicyCodec(MAX_ATTRIBUTES, MAX_LINE, 100);
        String line = "x_pad=" + "a".repeat(80);
        assertInstanceOf(PolicyCodec.NeedMore.class, bounded.onLine("request=smtpd_access_policy"));
        PolicyCodec.Result result = bounded.onLine(line);
        PolicyCodec.Garbled garbled = assertInstanceOf(PolicyCodec.Garbled.class, result);
        assertTrue(garbled.reason().contains("larger than 100 bytes"), garbled.reason());

        PolicyCodec fresh = new PolicyCodec(MAX_ATTRIBUTES, MAX_LINE, 100);
        List<PolicyCodec.Result> twice = feed(fresh, "request=smtpd_access_policy\nclient_address=192.0.2.1\n\n"
                + "request=smtpd_access_policy\nclient_address=192.0.2.2\n\n");
        assertEquals(2, twice.stream().filter(r -> r instanceof PolicyCodec.Complete).count(),
                "the size is counted per request, not per connection");
    }

    /** Results of feeding the bytes in chunks of the given sizes (cycled), as reads may split them anywhere. */
    private static List<PolicyCodec.Result> feedBytes(PolicyCodec codec, byte[] bytes, int chunk) {
        List<PolicyCodec.Result> results = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += chunk) {
            codec.feed(bytes, at, Math.min(chunk, bytes.length - at), results::add);
        }
        return results;
    }

    @Test
    void framesBytesSplitAnywhereLikeWholeLines() {
        String transcript = "request=smtpd_access_policy\r\nprotocol_state=RCPT\nclient_address=192.0.2.1\n"
                + "sender=jörg@example.org\nccert_subject=CN=a=b\n\n"
                + "\nrequest=smtpd_access_policy\nclient_address=2001:db8::1\ninstance=1.2.3\n\n";
        byte[] bytes = transcript.getBytes(StandardCharsets.UTF_8);
        List<Map<String, String>> expected = List.of(
                Map.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "client_address", "192.0.2.1",
                        "sender", "jörg@example.org", "ccert_subject", "CN=a=b"),
                Map.of("request", "smtpd_access_policy", "client_address", "2001:db8::1", "instance", "1.2.3"));
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            List<PolicyCodec.Result> results = feedBytes(codec(), bytes, chunk);
            int size = chunk;
            assertEquals(expected, results.stream().map(r -> assertInstanceOf(PolicyCodec.Complete.class, r,
                    () -> "chunk " + size + ": " + results).request().attributes()).toList(), "chunk " + chunk);
        }
    }

    @Test
    void anUnfinishedLineLongerThanTheBoundGarblesBeforeItEnds() {
        PolicyCodec codec = codec();
        List<PolicyCodec.Result> results = new ArrayList<>();
        byte[] half = ("request=smtpd_access_policy\nv=" + "x".repeat(MAX_LINE / 2)).getBytes(StandardCharsets.UTF_8);
        codec.feed(half, 0, half.length, results::add);
        assertEquals(List.of(), results, "nothing decided while the line may still end in time");
        byte[] more = "x".repeat(MAX_LINE).getBytes(StandardCharsets.UTF_8);
        codec.feed(more, 0, more.length, results::add);
        assertEquals(List.of(new PolicyCodec.Garbled("line longer than 300 bytes")), results);
        codec.feed(new byte[] {'\n', '\n'}, 0, 2, results::add);
        assertEquals(1, results.size(), "nothing after the verdict");
    }

    @Test
    void aLineEndingInCrMayBeOneByteOverTheBoundOnlyForTheCr() {
        PolicyCodec codec = codec();
        List<PolicyCodec.Result> results = new ArrayList<>();
        byte[] line = ("request=smtpd_access_policy\nv=" + "x".repeat(MAX_LINE - 2) + "\r").getBytes(StandardCharsets.UTF_8);
        for (byte b : line) {
            codec.feed(new byte[] {b}, 0, 1, results::add);
        }
        codec.feed(new byte[] {'\n', '\n'}, 0, 2, results::add);
        PolicyCodec.Complete complete = assertInstanceOf(PolicyCodec.Complete.class, results.get(0));
        assertEquals("x".repeat(MAX_LINE - 2), complete.request().get("v"));
    }

    @Test
    void repeatedNonAsciiNamesAreCaughtByTheirDecodedForm() {
        // 0xff and 0xfe both decode to U+FFFD: the same name once decoded, as the String codec saw it.
        PolicyCodec codec = codec();
        List<PolicyCodec.Result> results = new ArrayList<>();
        byte[] bytes = {'r', 'e', 'q', 'u', 'e', 's', 't', '=', 'x', '\n', (byte) 0xff, '=', '1', '\n', (byte) 0xfe, '=', '2', '\n'};
        codec.feed(bytes, 0, bytes.length, results::add);
        assertEquals(List.of(new PolicyCodec.Garbled("attribute \"\ufffd\" repeated")), results);
    }

    @Test
    void packedAttributesBehaveAsAnImmutableMap() {
        PolicyCodec.Complete complete = assertInstanceOf(PolicyCodec.Complete.class,
                outcome("request=smtpd_access_policy\nclient_address=192.0.2.1\nsénder=é\nempty=\n\n"));
        Map<String, String> attributes = complete.request().attributes();
        assertEquals(Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.1", "sénder", "é", "empty", ""),
                attributes);
        assertEquals("192.0.2.1", complete.request().clientAddress());
        assertEquals("", complete.request().get("missing"));
        assertEquals("é", attributes.get("sénder"));
        assertTrue(attributes.containsKey("empty"));
        assertFalse(attributes.containsKey("client"));
        assertEquals(Map.of("request", "smtpd_access_policy", "client_address", "192.0.2.1", "sénder", "é", "empty", "")
                .hashCode(), attributes.hashCode());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> attributes.put("a", "b"));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, attributes::clear);
    }
}
