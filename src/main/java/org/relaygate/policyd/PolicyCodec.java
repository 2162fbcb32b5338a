package org.relaygate.policyd;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.Text;

/**
 * The Postfix policy delegation protocol (SMTPD_POLICY_README) without any I/O: one instance per
 * connection is fed one line at a time and assembles {@code name=value} lines into a
 * {@link PolicyRequest} until an empty line ends it.
 *
 * <p>Decisions taken where the README leaves room:
 * <ul>
 *   <li>An empty line with no attribute before it (a stray blank line) is ignored: Postfix never
 *       sends one, and ignoring it costs nothing.</li>
 *   <li>A repeated attribute name makes the request garbled. Postfix never repeats one; a second
 *       {@code client_address} is either a bug or an attempt to confuse us, so we fail closed rather
 *       than pick one by an arbitrary rule.</li>
 *   <li>Unknown attributes are kept in the request (the engine ignores them); order does not matter.</li>
 *   <li>Only the first '=' splits: a value may contain '=' and may be empty.</li>
 * </ul>
 *
 * <p>Garbled input never throws: it yields {@link Garbled} with a short reason for the log, and the
 * codec stays garbled (the server closes the connection without replying, so Postfix applies its
 * {@code default_action}).
 */
public final class PolicyCodec {

    /** What one line produced. */
    public sealed interface Result permits NeedMore, Complete, Garbled {
    }

    /** The line was taken; the request is not complete yet. */
    public enum NeedMore implements Result {
        INSTANCE
    }

    /** The empty line ended a well-formed request. */
    public record Complete(PolicyRequest request) implements Result {
    }

    /** The request cannot be trusted; {@code reason} is short and safe to log. */
    public record Garbled(String reason) implements Result {
    }

    /** The only request type Postfix's smtpd sends (SMTPD_POLICY_README, "Protocol description"). */
    public static final String REQUEST_TYPE = "smtpd_access_policy";

    private final int maxAttributes;
    private final int maxLineLength;
    /** Reused for every request of the connection; the request takes an immutable copy. */
    private final HashMap<String, String> attributes = new HashMap<>(64);
    private Garbled garbled;

    public PolicyCodec(int maxAttributes, int maxLineLength) {
        if (maxAttributes < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxAttributes = maxAttributes;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Takes one line, already split on "\n"; one trailing "\r" is dropped. The line length is
     * counted without the line end.
     */
    public Result onLine(String rawLine) {
        if (garbled != null) {
            return garbled;
        }
        int length = rawLine.length();
        if (length > 0 && rawLine.charAt(length - 1) == '\r') {
            length--;
        }
        if (length == 0) {
            return attributes.isEmpty() ? NeedMore.INSTANCE : finish();
        }
        if (length > maxLineLength) {
            return garble("line longer than " + maxLineLength + " characters");
        }
        int eq = -1;
        for (int i = 0; i < length; i++) {
            char c = rawLine.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                return garble(String.format("control character 0x%02x", (int) c));
            }
            if (c == '=' && eq < 0) {
                eq = i;
            }
        }
        if (eq < 0) {
            return garble("line without '='");
        }
        if (eq == 0) {
            return garble("empty attribute name");
        }
        if (attributes.size() >= maxAttributes) {
            return garble("more than " + maxAttributes + " attributes");
        }
        String name = rawLine.substring(0, eq);
        if (attributes.put(name, rawLine.substring(eq + 1, length)) != null) {
            return garble("attribute " + Text.quote(name) + " repeated");
        }
        return NeedMore.INSTANCE;
    }

    /** True while a request has begun but not ended (useful when a connection closes). */
    public boolean inRequest() {
        return garbled == null && !attributes.isEmpty();
    }

    private Result finish() {
        String type = attributes.get("request");
        if (!REQUEST_TYPE.equals(type)) {
            return garble(type == null ? "no request attribute" : "request=" + Text.quote(type) + " is not " + REQUEST_TYPE);
        }
        PolicyRequest request = new PolicyRequest(attributes);
        attributes.clear();
        return new Complete(request);
    }

    private Garbled garble(String reason) {
        attributes.clear();
        garbled = new Garbled(reason);
        return garbled;
    }

    /** The reply: exactly one {@code action=} line and an empty line; Postfix treats any extra byte as a broken connection. */
    public static String encode(Decision decision) {
        // Decision's text is already one line, so the reply can never grow a second line.
        return "action=" + decision.actionLine() + "\n\n";
    }

    /** {@link #encode} as the UTF-8 bytes that go on the wire. */
    public static byte[] encodeBytes(Decision decision) {
        return encode(decision).getBytes(StandardCharsets.UTF_8);
    }
}
