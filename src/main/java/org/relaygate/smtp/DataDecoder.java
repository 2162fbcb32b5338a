package org.relaygate.smtp;

import org.relaygate.config.SmtpSettings.BareLf;

/**
 * Decodes the bytes after {@code 354} into the message, incrementally: any chunking of the input
 * gives the same result, and nothing is buffered beyond a small output block.
 *
 * <p>Rules (RFC 5321 4.1.1.4, 4.5.2, and the SMTP smuggling fixes for CVE-2023-51764):
 * <ul>
 *   <li>Only {@code <CRLF>.<CRLF>} ends the data (the data's start counts as following a CRLF, so
 *       "." alone ends an empty message). {@code <LF>.<LF>}, {@code <LF>.<CRLF>}, {@code <CRLF>.<LF>}
 *       and {@code <CR>.<CR>} never do.</li>
 *   <li>A line ends at LF; CR before it makes a CRLF line end, otherwise it is a bare LF. A CR not
 *       followed by LF is content, as Postfix keeps it.</li>
 *   <li>A bare LF is a line end for everything except the end of data: in NORMALIZE mode it is
 *       stored as CRLF; in REJECT mode the message is refused once its real end arrives.</li>
 *   <li>Dot-unstuffing: a leading '.' is removed from every line that has more after it. A line of
 *       a single '.' that is not the end of data (one next to a bare LF) is stored as a literal "."
 *       line, CRLF-terminated; the delivery side's dot-stuffing turns it into ".." on the wire, so it
 *       can never end the data at the next hop.</li>
 * </ul>
 * Limits, checked while reading on to the real end (the client gets its refusal after the data,
 * RFC 5321 4.2.5): message size counted on the stored bytes, line length counted on the received
 * content bytes of a line (without its line end), and more than {@value #MAX_RECEIVED}
 * {@code Received:} headers in the header section (a loop). After the first problem nothing more
 * is written out.
 */
public final class DataDecoder {

    /** Where the decoded message goes (a Vert.x Buffer in the server, a byte stream in tests). */
    @FunctionalInterface
    public interface Output {
        void write(byte[] bytes, int offset, int length);
    }

    /** How the data ended. */
    public enum Outcome {
        ACCEPTED, TOO_BIG, LINE_TOO_LONG, BARE_LF, LOOP
    }

    /** RFC 5321 6.3 suggests 100 hops; Postfix's hopcount_limit is 50. */
    public static final int MAX_RECEIVED = 50;

    private static final byte[] RECEIVED = {'r', 'e', 'c', 'e', 'i', 'v', 'e', 'd', ':'};

    private enum State { LINE_START, DOT, DOT_CR, TEXT }

    private final long maxSize;
    private final int maxLine;
    private final boolean normalize;
    private final Output out;
    private final byte[] block = new byte[8192];
    private int blockLength;

    private State state = State.LINE_START;
    /** The line being read follows a CRLF (or the start of the data): only then can "." end the data. */
    private boolean properStart = true;
    /** A CR inside a line, waiting for the next byte to tell a CRLF from content. */
    private boolean pendingCr;
    private int lineLength;
    private long size;
    private boolean inHeaders = true;
    /** How much of "received:" the current header line matched so far; -1 when it cannot match. */
    private int receivedMatch;
    private int receivedCount;
    private Outcome problem;
    private boolean finished;

    public DataDecoder(long maxSize, int maxLine, BareLf bareLf, Output out) {
        this.maxSize = maxSize;
        this.maxLine = maxLine;
        this.normalize = bareLf == BareLf.NORMALIZE;
        this.out = out;
    }

    /**
     * Takes the next bytes; returns how many were used. That is all of them until the end of data
     * is found, then the count up to and including its {@code .<CRLF>}: the rest belongs to the
     * commands that follow.
     */
    public int feed(byte[] bytes, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("the data has already ended");
        }
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (step(bytes[i])) {
                finished = true;
                flush();
                return i + 1 - offset;
            }
        }
        flush();
        return length;
    }

    /** True once {@code <CRLF>.<CRLF>} has been read. */
    public boolean finished() {
        return finished;
    }

    /** The verdict; meaningful once {@link #finished()}. */
    public Outcome outcome() {
        return problem == null ? Outcome.ACCEPTED : problem;
    }

    /** Bytes written out so far (the stored message without anything the caller prepended). */
    public long size() {
        return size;
    }

    /** {@code Received:} headers seen in the header section. */
    public int receivedHeaders() {
        return receivedCount;
    }

    /** One byte; true when it completed the end of data. */
    private boolean step(byte c) {
        switch (state) {
            case LINE_START:
                lineLength = 0;
                receivedMatch = inHeaders ? 0 : -1;
                if (c == '.') {
                    state = State.DOT;
                    return false;
                }
                state = State.TEXT;
                return text(c);
            case DOT:
                if (c == '\r') {
                    state = State.DOT_CR;
                } else if (c == '\n') {
                    literalDotLine(false); // <LF>.<LF> or <CRLF>.<LF>: not an end
                } else {
                    lineLength = 1; // the stuffed dot was received, so it counts toward the line
                    state = State.TEXT;
                    return text(c);
                }
                return false;
            case DOT_CR:
                if (c == '\n') {
                    if (properStart) {
                        return true;
                    }
                    literalDotLine(true); // <LF>.<CRLF>: not an end
                    return false;
                }
                lineLength = 1;
                pendingCr = true; // ".<CR>x": the dot was stuffing, the CR is content so far
                state = State.TEXT;
                return text(c);
            default:
                return text(c);
        }
    }

    private boolean text(byte c) {
        if (c == '\n') {
            boolean crlf = pendingCr;
            pendingCr = false;
            endLine(crlf);
            return false;
        }
        if (pendingCr) {
            content((byte) '\r');
            pendingCr = false;
        }
        if (c == '\r') {
            pendingCr = true;
        } else {
            content(c);
        }
        return false;
    }

    private void literalDotLine(boolean crlf) {
        lineLength = 0;
        content((byte) '.');
        endLine(crlf);
    }

    private void content(byte c) {
        if (++lineLength > maxLine) {
            fail(Outcome.LINE_TOO_LONG);
        }
        if (receivedMatch >= 0) {
            int lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
            if (lower != RECEIVED[receivedMatch]) {
                receivedMatch = -1;
            } else if (++receivedMatch == RECEIVED.length) {
                receivedMatch = -1;
                if (++receivedCount > MAX_RECEIVED) {
                    fail(Outcome.LOOP);
                }
            }
        }
        emit(c);
    }

    private void endLine(boolean crlf) {
        if (!crlf && !normalize) {
            fail(Outcome.BARE_LF);
        }
        if (inHeaders && lineLength == 0) {
            inHeaders = false; // the empty line ends the header section
        }
        emit((byte) '\r');
        emit((byte) '\n');
        state = State.LINE_START;
        properStart = crlf;
    }

    private void emit(byte c) {
        if (problem != null) {
            return;
        }
        if (++size > maxSize) {
            fail(Outcome.TOO_BIG);
            return;
        }
        block[blockLength++] = c;
        if (blockLength == block.length) {
            flush();
        }
    }

    private void fail(Outcome outcome) {
        if (problem == null) {
            problem = outcome;
            blockLength = 0; // the message is refused: what is written so far no longer matters
        }
    }

    private void flush() {
        if (blockLength > 0 && problem == null) {
            out.write(block, 0, blockLength);
        }
        blockLength = 0;
    }
}
