package org.relaygate.importing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostfixImportTest {

    private final List<PostfixImport.Entry> entries = new ArrayList<>();

    private PostfixImport.Skipped read(String text, boolean skip) throws IOException {
        return PostfixImport.read(new StringReader(text), skip, entries::add);
    }

    private static PostfixImport.Entry e(int line, String network) {
        return new PostfixImport.Entry(line, network);
    }

    @Test
    void cidrTableWithCommentsAndBlankLines() throws IOException {
        read("# printers\n192.0.2.0/28   OK\n\n  # indented comment\n2001:db8:1::/48 ok printers\n[2001:db8:2::]/64 PERMIT\n", false);
        assertEquals(List.of(e(2, "192.0.2.0/28"), e(5, "2001:db8:1::/48"), e(6, "2001:db8:2::/64")), entries);
    }

    @Test
    void accessTableWithPartialIpv4Keys() throws IOException {
        read("192.0.2.7 OK\n198.51.100 OK\n10.1 OK\n", false);
        assertEquals(List.of(e(1, "192.0.2.7"), e(2, "198.51.100.0/24"), e(3, "10.1.0.0/16")), entries);
    }

    @Test
    void mynetworksWithContinuationLinesBracketsAndLoopbackLeftOut() throws IOException {
        PostfixImport.Skipped skipped = read("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128,\n"
                + "    192.0.2.0/24, [2001:db8::]/64\n"
                + "\t198.51.100.7\n", false);
        assertEquals(List.of(e(2, "192.0.2.0/24"), e(2, "2001:db8::/64"), e(3, "198.51.100.7")), entries);
        assertEquals(new PostfixImport.Skipped(3, 0), skipped);
    }

    @Test
    void aBareListAsPostconfPrintsIt() throws IOException {
        read("192.0.2.0/24 198.51.100.7 [2001:db8::/64]\n", false);
        assertEquals(List.of(e(1, "192.0.2.0/24"), e(1, "198.51.100.7"), e(1, "2001:db8::/64")), entries);
    }

    @Test
    void otherActionsAreRefusedOrSkipped() throws IOException {
        ImportLineException refused = assertThrows(ImportLineException.class,
                () -> read("192.0.2.7 OK\n192.0.2.8 REJECT spam\n", false));
        assertTrue(refused.getMessage().startsWith("line 2: action \"REJECT\" does not allow relaying"), refused.getMessage());

        entries.clear();
        PostfixImport.Skipped skipped = read("192.0.2.7 OK\n192.0.2.8 REJECT spam\n  continued text\n192.0.2.9 DUNNO\n"
                + "192.0.2.10 550 go away\n", true);
        assertEquals(List.of(e(1, "192.0.2.7")), entries);
        assertEquals(new PostfixImport.Skipped(0, 3), skipped);
        assertEquals("; left out: 3 entries with another action than OK", PostfixDefaults.note(skipped));
    }

    @Test
    void aMalformedNetworkIsPassedOnForTheRegistrysOwnMessage() throws IOException {
        read("192.0.2.300 OK\n", false);
        assertEquals(List.of(e(1, "192.0.2.300")), entries);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "'   192.0.2.7 OK'                          | line 1: a line starting with whitespace continues",
        "relayhost = [mail.example.net]             | line 1: only the mynetworks parameter",
        "if /^192/\\n192.0.2.7 OK\\nendif           | line 1: if/endif blocks are not supported",
        "mynetworks = hash:/etc/postfix/network     | line 1: \"hash:/etc/postfix/network\" is a file or lookup table",
        "# x\\nmynetworks = /etc/postfix/networks   | line 2: \"/etc/postfix/networks\" is a file or lookup table",
    })
    void unsupportedLinesNameTheLine(String text, String expected) {
        ImportLineException e = assertThrows(ImportLineException.class, () -> read(text.replace("\\n", "\n"), false));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void defaultsMakeOneActiveRegistrationPerNetwork() {
        PostfixDefaults d = new PostfixDefaults("Physics", "it@example.edu", null, null, "alice", LocalDate.of(2024, 5, 1), "access");
        ImportRecord r = d.record(e(7, "192.0.2.7"));
        assertEquals(new ImportRecord(7, "Physics", "it@example.edu", "imported from access", "allowed to relay by Postfix (access)",
                "alice", "2024-05-01", "ACTIVE", List.of("192.0.2.7"), "imported from access line 7"), r);
    }
}
