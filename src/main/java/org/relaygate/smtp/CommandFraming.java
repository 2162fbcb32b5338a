package org.relaygate.smtp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * Command lines for one connection: a {@link RecordParser} split on "\n" and capped at
 * {@code smtp.max-command-line}, plus the two things RecordParser cannot do by itself.
 * <ul>
 *   <li>{@link #stop()} hands back the bytes of the current read that were not framed yet, for when
 *       a command ends command mode (DATA: they are the message; STARTTLS: they are dropped). They are
 *       found by counting: every byte framed so far came before them, and they all belong to the
 *       current read.</li>
 *   <li>An over-long line is answered as soon as it is too long and then skipped up to its "\n"
 *       without buffering it (RecordParser would only fail again and again).</li>
 * </ul>
 * A "\r" before the "\n" is removed; a bare "\n" ends a command too (old devices send it).
 */
final class CommandFraming {

    /** What the framing finds. */
    interface Listener {
        /** One command line without its line end; ISO-8859-1, so each byte is one char. */
        void onLine(String line);

        /** A line longer than the limit; it is skipped. */
        void onLineTooLong();
    }

    private final int maxLine;
    private final Listener listener;
    private RecordParser parser;
    private boolean skipping;
    private Buffer current;
    private long fed;
    private long framed;

    CommandFraming(int maxLine, Listener listener) {
        this.maxLine = maxLine;
        this.listener = listener;
        restart();
    }

    /** Frames the next bytes of the connection. */
    void handle(Buffer bytes) {
        if (skipping) {
            int newline = indexOf(bytes, (byte) '\n');
            if (newline < 0) {
                return;
            }
            restart();
            bytes = bytes.getBuffer(newline + 1, bytes.length());
        }
        current = bytes;
        fed += bytes.length();
        parser.handle(bytes);
    }

    /** Stops framing; returns what of the current read was not framed yet. */
    Buffer stop() {
        if (parser == null) {
            return Buffer.buffer(); // stopped already, or skipping an over-long line
        }
        parser.pause();
        parser = null;
        if (current == null) {
            return Buffer.buffer();
        }
        int unframed = (int) Math.min(current.length(), Math.max(0, fed - framed));
        return current.getBuffer(current.length() - unframed, current.length());
    }

    /** Starts framing afresh, forgetting anything a stopped parser held. */
    void restart() {
        RecordParser p = RecordParser.newDelimited("\n");
        p.maxRecordSize(maxLine + 1); // one byte more for the "\r" of a CRLF
        p.handler(line -> {
            if (p == parser) {
                onRecord(line);
            }
        });
        p.exceptionHandler(e -> {
            if (p == parser) {
                // maxRecordSize: the unfinished line is already too long. Drop it, skip to its end.
                parser = null;
                skipping = true;
                listener.onLineTooLong();
            }
        });
        parser = p;
        skipping = false;
        current = null;
        fed = 0;
        framed = 0;
    }

    private void onRecord(Buffer line) {
        framed += line.length() + 1;
        int length = line.length();
        if (length > 0 && line.getByte(length - 1) == '\r') {
            length--;
        }
        if (length > maxLine) {
            listener.onLineTooLong(); // a whole over-long line that came in one read
        } else {
            listener.onLine(line.getString(0, length, StandardCharsets.ISO_8859_1.name()));
        }
    }

    private static int indexOf(Buffer bytes, byte b) {
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.getByte(i) == b) {
                return i;
            }
        }
        return -1;
    }
}
