package org.relaygate.importing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvImportTest {

    private static final String HEADER = CsvImport.HEADER + "\n";

    static List<ImportRecord> read(String text) throws IOException {
        List<ImportRecord> out = new ArrayList<>();
        CsvImport.read(new StringReader(text), out::add);
        return out;
    }

    @Test
    void plainRecordsWithLinesAndDefaults() throws IOException {
        List<ImportRecord> r = read(HEADER
                + "Physics,it@example.edu,copier,no AUTH,Dr. Head,2024-05-01,ACTIVE,192.0.2.7 2001:db8::/48\n"
                + "\n"
                + "Chemistry,c@example.edu,scanner,legacy,Dean,,,192.0.2.8\n");
        assertEquals(2, r.size());
        assertEquals(new ImportRecord(2, "Physics", "it@example.edu", "copier", "no AUTH", "Dr. Head", "2024-05-01", "ACTIVE",
                List.of("192.0.2.7", "2001:db8::/48"), null), r.get(0));
        assertEquals(4, r.get(1).line(), "the blank line is skipped but counted");
        assertNull(r.get(1).signedOn());
        assertNull(r.get(1).status());
    }

    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaks() throws IOException {
        List<ImportRecord> r = read(HEADER
                + "\"Physics, Dept.\",it@example.edu,\"Printer \"\"Room 12\"\"\",\"line one\nline two\",Head,,PENDING,\"192.0.2.7, 192.0.2.9\"\r\n"
                + "X,x@example.edu,d,r,s,,,192.0.2.10\r\n");
        assertEquals("Physics, Dept.", r.get(0).unit());
        assertEquals("Printer \"Room 12\"", r.get(0).device());
        assertEquals("line one\nline two", r.get(0).reason(), "kept as written: register's rules refuse the line break");
        assertEquals(List.of("192.0.2.7", "192.0.2.9"), r.get(0).addresses());
        assertEquals(2, r.get(0).line());
        assertEquals(4, r.get(1).line(), "the record after a two-line record starts on line 4");
    }

    @Test
    void headerMayHaveABomSpacesCaseAndNotes() throws IOException {
        List<ImportRecord> r = read("\uFEFFUnit, Contact,device,reason,signed_by,signed_on,status,addresses,notes\n"
                + "U,u@example.edu,d,r,s,,,192.0.2.7,from the old list\n");
        assertEquals("from the old list", r.get(0).notes());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "unit,contact\\n                                              | line 1: the header must be exactly",
        "<H>U,u@example.edu,d,r,s,,,192.0.2.7,extra\\n                   | line 2: expected 8 fields, found 9",
        "<H>U,u@example.edu,d,r,s,,192.0.2.7\\n                          | line 2: expected 8 fields, found 7",
        "<H>U,u@example.edu,d,r,s,,,1.2.3.4\\nU,\"open,d,r,s,,,1.2.3.5\\n | line 3: the quoted field starting here is never closed",
        "<H>U,u@exa\"mple.edu,d,r,s,,,192.0.2.7\\n                         | line 2: a quote inside an unquoted field",
        "<H>U,\"u@example.edu\"x,d,r,s,,,192.0.2.7\\n                      | line 2: text after a closing quote",
        "''                                                              | line 1: empty file",
    })
    void malformedFilesNameTheLine(String text, String expected) {
        String input = text.replace("<H>", HEADER).replace("\\n", "\n");
        ImportLineException e = assertThrows(ImportLineException.class, () -> read(input));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void anOverlongRecordIsRefused() {
        String input = HEADER + "U,u@example.edu,\"" + "x".repeat(CsvReader.MAX_RECORD + 1) + "\",r,s,,,192.0.2.7\n";
        ImportLineException e = assertThrows(ImportLineException.class, () -> read(input));
        assertTrue(e.getMessage().startsWith("line 2: record longer than"), e.getMessage());
    }
}
