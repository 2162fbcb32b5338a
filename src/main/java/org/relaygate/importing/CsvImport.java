package org.relaygate.importing;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The CSV import format: a header that is exactly {@value #HEADER} (an optional {@code notes}
 * column may follow), then one registration per record. Addresses are separated by spaces (or
 * commas, inside a quoted field); an empty status or signed_on is left to the defaults (PENDING,
 * today). Only the shape is checked here; the fields are validated like {@code register}'s.
 */
public final class CsvImport {

    public static final String HEADER = "unit,contact,device,reason,signed_by,signed_on,status,addresses";
    private static final List<String> COLUMNS = List.of(HEADER.split(","));
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    private CsvImport() {
    }

    /** Reads every record and hands it to sink in file order; refuses the first malformed line. */
    public static void read(Reader in, Consumer<ImportRecord> sink) throws IOException {
        CsvReader csv = new CsvReader(in);
        List<String> header = csv.next();
        if (header == null) {
            throw new ImportLineException(1, "empty file (expected the header " + HEADER + ")");
        }
        int columns = checkHeader(header, csv.recordLine());
        List<String> fields;
        while ((fields = csv.next()) != null) {
            int line = csv.recordLine();
            if (fields.size() != columns) {
                throw new ImportLineException(line, "expected " + columns + " fields, found " + fields.size()
                        + " (quote a field that contains a comma)");
            }
            sink.accept(new ImportRecord(line, fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4),
                    blankToNull(fields.get(5)), blankToNull(fields.get(6)), addresses(fields.get(7)),
                    columns > COLUMNS.size() ? fields.get(8) : null));
        }
    }

    private static int checkHeader(List<String> header, int line) {
        List<String> names = new ArrayList<>(header.size());
        for (String h : header) {
            names.add(h.strip().toLowerCase(Locale.ROOT));
        }
        if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
            names.set(0, names.get(0).substring(1)); // a UTF-8 byte order mark, as spreadsheets write it
        }
        boolean withNotes = names.size() == COLUMNS.size() + 1 && names.get(COLUMNS.size()).equals("notes");
        if (!names.subList(0, Math.min(names.size(), COLUMNS.size())).equals(COLUMNS)
                || !(names.size() == COLUMNS.size() || withNotes)) {
            throw new ImportLineException(line, "the header must be exactly " + HEADER + " (optionally followed by ,notes)");
        }
        return names.size();
    }

    /** Addresses separated by spaces or commas; an empty field is no address (refused later, as register does). */
    static List<String> addresses(String field) {
        List<String> out = new ArrayList<>(1);
        for (String a : SEPARATORS.split(field)) {
            if (!a.isEmpty()) {
                out.add(a);
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s;
    }
}
