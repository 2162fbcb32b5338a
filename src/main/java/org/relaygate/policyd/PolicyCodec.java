package org.relaygate.policyd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PackedAttributes;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.Text;

/**
 * The Postfix policy delegation protocol (SMTPD_POLICY_README) without any I/O: one instance per
 * connection is fed the connection's bytes as they arrive ({@link #feed}), frames them into lines and
 * assembles {@code name=value} lines into a {@link PolicyRequest} until an empty line ends it.
 *
 * <p>The hot path works on bytes: a request's lines are checked in one pass and kept as bytes in a
 * {@link PackedAttributes}, so the 30-odd attributes the engine never reads are never decoded.
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

    private static final int REQUEST_HASH = "request".hashCode();

    private final int maxAttributes;
    private final int maxLineLength;
    private final int maxRequestSize;
    /** Bytes of the request so far, line ends included: bounds what one connection may buffer. */
    private int requestSize;
    /**
     * The current request's attribute lines (without line ends), then the unfinished line that the
     * last {@link #feed} ended in. Reused for every request of the connection; bounded by
     * maxRequestSize plus one line.
     */
    private byte[] buf = new byte[1024];
    private int requestLength;
    private int partialLength;
    /** Per attribute: name start, '=' (name end), value end, in buf. */
    private int[] spans = new int[3 * 48];
    private int[] hashes = new int[48];
    /** Decoded non-ASCII names (rare: SMTPUTF8 never affects names); null until one is seen. */
    private String[] names;
    private int count;
    private Garbled garbled;

    public PolicyCodec(int maxAttributes, int maxLineLength) {
        this(maxAttributes, maxLineLength, Integer.MAX_VALUE);
    }

    public PolicyCodec(int maxAttributes, int maxLineLength, int maxRequestSize) {
        if (maxAttributes < 1 || maxLineLength < 1 || maxRequestSize < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxAttributes = maxAttributes;
        this.maxLineLength = maxLineLength;
        this.maxRequestSize = maxRequestSize;
    }

    /** Receives every result that is not {@link NeedMore}. */
    @FunctionalInterface
    public interface Results {
        void accept(Result result);
    }

    /**
     * Takes the next bytes of the connection (the framing: lines end at "\n", one trailing "\r" is
     * dropped) and hands each complete request, or the one {@link Garbled} verdict, to {@code results}.
     * An unfinished line is kept for the next call; one longer than the line bound garbles at once,
     * so a client cannot make us buffer without end.
     */
    public void feed(byte[] data, int offset, int length, Results results) {
        int end = offset + length;
        int i = offset;
        while (i < end && garbled == null) {
            int nl = indexOf(data, i, end, (byte) '\n');
            if (nl < 0) {
                keepPartial(data, i, end - i);
                if (garbled != null) {
                    results.accept(garbled);
                }
                return;
            }
            Result result;
            if (partialLength == 0) {
                result = onLine(data, i, nl - i);
            } else {
                keepPartial(data, i, nl - i);
                int lineLength = partialLength;
                partialLength = 0;
                result = garbled != null ? garbled : onLine(buf, requestLength, lineLength);
            }
            if (result != NeedMore.INSTANCE) {
                results.accept(result);
            }
            i = nl + 1;
        }
    }

    /**
     * Takes one line, already split on "\n"; one trailing "\r" is dropped. The line length is
     * counted in UTF-8 bytes without the line end.
     */
    public Result onLine(String rawLine) {
        byte[] bytes = rawLine.getBytes(StandardCharsets.UTF_8);
        return onLine(bytes, 0, bytes.length);
    }

    /** {@link #onLine(String)} for the line's bytes {@code src[from, from + rawLength)}. */
    private Result onLine(byte[] src, int from, int rawLength) {
        if (garbled != null) {
            return garbled;
        }
        int length = rawLength;
        if (length > 0 && src[from + length - 1] == '\r') {
            length--;
        }
        if (length == 0) {
            return count == 0 ? NeedMore.INSTANCE : finish();
        }
        if (length > maxLineLength) {
            return garble(lineTooLong());
        }
        // One pass over the bytes: control characters, the first '=', the name's String hash.
        int eq = -1;
        int hash = 0;
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            byte b = src[from + i];
            if (b < 0) {
                ascii = false;
                break; // C1 controls and the name need the decoded text: see below
            }
            if ((b < ' ' && b != '\t') || b == 0x7f) {
                return garble(String.format("control character 0x%02x", (int) b));
            }
            if (eq < 0) {
                if (b == '=') {
                    eq = i;
                } else {
                    hash = 31 * hash + b;
                }
            }
        }
        String decodedName = null;
        if (!ascii) {
            // UTF-8, as SMTPUTF8 senders arrive; a malformed byte becomes U+FFFD, which can only make an
            // attribute unreadable (a client_address that is no address is refused), never grant anything.
            String line = new String(src, from, length, StandardCharsets.UTF_8);
            String problem = controlCharacter(line);
            if (problem != null) {
                return garble(problem);
            }
            eq = indexOf(src, from, from + length, (byte) '=');
            eq = eq < 0 ? -1 : eq - from;
            if (eq > 0 && indexOfNonAscii(src, from, from + eq) >= 0) {
                decodedName = new String(src, from, eq, StandardCharsets.UTF_8);
                hash = decodedName.hashCode();
            } // else an ASCII name (only the value is not): the byte hash from the loop stands
        }
        if (eq < 0) {
            return garble("line without '='");
        }
        if (eq == 0) {
            return garble("empty attribute name");
        }
        requestSize += length + 1;
        if (requestSize > maxRequestSize) {
            return garble("request larger than " + maxRequestSize + " bytes");
        }
        if (count >= maxAttributes) {
            return garble("more than " + maxAttributes + " attributes");
        }
        int at = requestLength;
        if (src != buf || from != at) {
            ensureCapacity(at + length);
            System.arraycopy(src, from, buf, at, length);
        }
        int repeated = find(hash, at, at + eq, decodedName);
        if (repeated >= 0) {
            String name = decodedName != null ? decodedName : new String(buf, at, eq, StandardCharsets.ISO_8859_1);
            return garble("attribute " + Text.quote(name) + " repeated");
        }
        add(at, at + eq, at + length, hash, decodedName);
        requestLength = at + length;
        return NeedMore.INSTANCE;
    }

    /** True while a request has begun but not ended (useful when a connection closes). */
    public boolean inRequest() {
        return garbled == null && (count > 0 || partialLength > 0);
    }

    private static String controlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                return String.format("control character 0x%02x", (int) c);
            }
        }
        return null;
    }

    private String lineTooLong() {
        return "line longer than " + maxLineLength + " bytes";
    }

    /** Appends to the unfinished line; garbles once it is longer than a line may be. */
    private void keepPartial(byte[] data, int from, int length) {
        // One more byte than the line may hold, for the "\r" of a "\r\n" line end.
        if (partialLength + length > maxLineLength + 1) {
            garble(lineTooLong());
            return;
        }
        ensureCapacity(requestLength + partialLength + length);
        System.arraycopy(data, from, buf, requestLength + partialLength, length);
        partialLength += length;
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, 2 * buf.length));
        }
    }

    /** The attribute with this name, or -1. */
    private int find(int hash, int from, int to, String decodedName) {
        for (int i = 0; i < count; i++) {
            if (hashes[i] != hash) {
                continue;
            }
            String other = names == null ? null : names[i];
            if (decodedName != null || other != null) {
                if (decodedName != null && decodedName.equals(other)) {
                    return i;
                }
            } else if (Arrays.equals(buf, spans[3 * i], spans[3 * i + 1], buf, from, to)) {
                return i;
            }
        }
        return -1;
    }

    private void add(int nameStart, int eq, int valueEnd, int hash, String decodedName) {
        if (count == hashes.length) {
            hashes = Arrays.copyOf(hashes, 2 * count);
            spans = Arrays.copyOf(spans, 6 * count);
            if (names != null) {
                names = Arrays.copyOf(names, 2 * count);
            }
        }
        if (decodedName != null && names == null) {
            names = new String[hashes.length];
        }
        spans[3 * count] = nameStart;
        spans[3 * count + 1] = eq;
        spans[3 * count + 2] = valueEnd;
        hashes[count] = hash;
        if (names != null) {
            names[count] = decodedName;
        }
        count++;
    }

    private Result finish() {
        int type = findAscii(REQUEST_HASH, "request");
        boolean ok = type >= 0 && PackedAttributes.asciiEquals(buf, spans[3 * type + 1] + 1, spans[3 * type + 2], REQUEST_TYPE);
        if (!ok) {
            String value = type < 0 ? null : new String(buf, spans[3 * type + 1] + 1,
                    spans[3 * type + 2] - spans[3 * type + 1] - 1, StandardCharsets.UTF_8);
            return garble(value == null ? "no request attribute" : "request=" + Text.quote(value) + " is not " + REQUEST_TYPE);
        }
        PolicyRequest request = new PolicyRequest(PackedAttributes.copyOf(buf, requestLength, spans, hashes, names, count));
        reset();
        return new Complete(request);
    }

    /** The attribute with the ASCII name {@code name} (whose String hash is {@code hash}), or -1. */
    private int findAscii(int hash, String name) {
        for (int i = 0; i < count; i++) {
            if (hashes[i] == hash && (names == null || names[i] == null)
                    && PackedAttributes.asciiEquals(buf, spans[3 * i], spans[3 * i + 1], name)) {
                return i;
            }
        }
        return -1;
    }

    private void reset() {
        count = 0;
        requestLength = 0;
        requestSize = 0;
        if (names != null) {
            Arrays.fill(names, null);
        }
    }

    private Garbled garble(String reason) {
        reset();
        partialLength = 0;
        garbled = new Garbled(reason);
        return garbled;
    }

    private static int indexOfNonAscii(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] data, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
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
