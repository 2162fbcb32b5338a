package org.relaygate.importing;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records from a character stream: fields separated by commas, records by CRLF or LF; a
 * field in double quotes may hold commas, line breaks and doubled quotes. Strict where a guess
 * could import the wrong thing: a quote inside an unquoted field, text after a closing quote and an
 * unterminated quote are refused with the line. A record is bounded (bounded input).
 */
final class CsvReader {

    static final int MAX_RECORD = 64 * 1024;
    private static final int EOF = -1;
    private static final int NONE = -2;

    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int limit;
    private int line = 1;
    private int recordLine;
    private int recordLength;
    private int pushed = NONE;
    private final StringBuilder field = new StringBuilder();

    CsvReader(Reader in) {
        this.in = in;
    }

    /** The line the last record returned by {@link #next()} started on. */
    int recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end; blank lines are skipped. */
    List<String> next() throws IOException {
        int c = read();
        while (c == '\n' || c == '\r') {
            c = newline(c);
        }
        if (c == EOF) {
            return null;
        }
        recordLine = line;
        recordLength = 0;
        List<String> fields = new ArrayList<>(10);
        while (true) {
            c = c == '"' ? quoted() : unquoted(c);
            fields.add(field.toString());
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\r' || c == '\n') {
                unread(newline(c));
            }
            return fields;
        }
    }

    /** Reads an unquoted field starting with c into field; returns the character that ended it. */
    private int unquoted(int c) throws IOException {
        field.setLength(0);
        while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
            if (c == '"') {
                throw new ImportLineException(line, "a quote inside an unquoted field (quote the whole field and double the quote: \"a \"\"b\"\"\")");
            }
            append(c);
            c = read();
        }
        return c;
    }

    /** Reads a quoted field (the opening quote consumed); returns the character after the closing quote. */
    private int quoted() throws IOException {
        field.setLength(0);
        int start = line;
        while (true) {
            int c = read();
            if (c == EOF) {
                throw new ImportLineException(start, "the quoted field starting here is never closed");
            }
            if (c == '"') {
                int after = read();
                if (after != '"') {
                    if (after != ',' && after != '\n' && after != '\r' && after != EOF) {
                        throw new ImportLineException(line, "text after a closing quote (a field is either quoted as a whole or not)");
                    }
                    return after;
                }
            } else if (c == '\n' || c == '\r') {
                // A line break inside quotes belongs to the field; count it, keep LF only.
                unread(newline(c));
                c = '\n';
            }
            append(c);
        }
    }

    private void append(int c) {
        if (++recordLength > MAX_RECORD) {
            throw new ImportLineException(recordLine, "record longer than " + MAX_RECORD + " characters");
        }
        field.append((char) c);
    }

    /** Consumes a line break starting with c (CRLF, LF or a lone CR); returns the character after it. */
    private int newline(int c) throws IOException {
        line++;
        int next = read();
        if (c == '\r' && next == '\n') {
            next = read();
        }
        return next;
    }

    /** Gives back one character (or EOF) that the next {@link #read()} returns again. */
    private void unread(int c) {
        pushed = c;
    }

    private int read() throws IOException {
        if (pushed != NONE) {
            int c = pushed;
            pushed = NONE;
            return c;
        }
        if (pos == limit) {
            limit = in.read(buffer, 0, buffer.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return EOF;
            }
        }
        return buffer[pos++];
    }
}
