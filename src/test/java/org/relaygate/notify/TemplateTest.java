package org.relaygate.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.relaygate.registry.OutboxKind;

/** Template files: their format, the placeholders, rendering, the shipped defaults and overrides. */
class TemplateTest {

    @Test
    void parsesSubjectAndBodyAndRendersEveryPlaceholder() {
        Template t = Template.parse("t.txt", "Subject: Registration {registration} of {unit}\r\n\r\nHello {contact},\r\n"
                + "relay {relay_host}:{relay_port} until {until}.\r\n");
        assertEquals("Registration {registration} of {unit}", t.subject());
        Template.Rendered r = t.render(Map.of("registration", "#7", "unit", "Physics", "contact", "a@example.edu",
                "relay_host", "relay.example.edu", "relay_port", "25", "until", "further notice"));
        assertEquals("Registration #7 of Physics", r.subject());
        assertEquals("Hello a@example.edu,\nrelay relay.example.edu:25 until further notice.\n", r.body());
    }

    @Test
    void multiLineValuesKeepThePlaceholdersIndentationAndBecomeOneLineInTheSubject() {
        Template t = Template.parse("t.txt", "Subject: For {addresses}\n\nAddresses:\n    {addresses}\nend: {addresses}\n");
        Template.Rendered r = t.render(Map.of("addresses", "192.0.2.7\n192.0.2.16/28"));
        assertEquals("For 192.0.2.7, 192.0.2.16/28", r.subject());
        assertEquals("Addresses:\n    192.0.2.7\n    192.0.2.16/28\nend: 192.0.2.7\n192.0.2.16/28\n", r.body());
    }

    @Test
    void valuesAreInsertedOnceNotExpandedAgainAndMissingOnesAreEmpty() {
        Template t = Template.parse("t.txt", "Subject: {reason}\n\n[{reason}] [{unit}] {not a placeholder} {}\n");
        Template.Rendered r = t.render(Map.of("reason", "said {unit}\r\nthen left"));
        assertEquals("said {unit}, then left", r.subject(), "no line break can reach the Subject: field");
        assertEquals("[said {unit}\r\nthen left] [] {not a placeholder} {}\n", r.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no subject line     | Hello\\n\\nbody                 | t.txt: the first line must be \"Subject: ...\"",
            "empty subject       | Subject:  \\n\\nbody             | t.txt: the first line must be \"Subject: ...\"",
            "no empty line       | Subject: s\\nbody                | t.txt: an empty line must follow the Subject: line",
            "only a subject      | Subject: s                       | t.txt: an empty line must follow the Subject: line",
            "empty body          | Subject: s\\n\\n \\n             | t.txt: the body is empty",
            "unknown in body     | Subject: s\\n\\nHi {nmae}        | t.txt: unknown placeholder {nmae} (known: {registration}, {id}",
            "unknown in subject  | Subject: {Unit} {relay}\\n\\nx   | t.txt: unknown placeholder {relay} (known:",
    })
    void refusesMalformedTemplatesNamingTheFile(String what, String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("t.txt", text.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = OutboxKind.class, names = "NOTICE", mode = EnumSource.Mode.EXCLUDE)
    void everyKindButNoticeHasAShippedTemplateThatRendersWithoutLeftovers(OutboxKind kind) throws IOException {
        Template t = Templates.load("").get(kind);
        assertNotNull(t, kind.toString());
        Map<String, String> values = new HashMap<>();
        Placeholders.ALL.keySet().forEach(name -> values.put(name, "<" + name + ">"));
        Template.Rendered r = t.render(values);
        assertTrue(!r.subject().contains("{") && !r.body().contains("{"), r.subject() + "\n" + r.body());
        assertTrue(r.body().contains("<postmaster>") || kind == OutboxKind.POSTMASTER_ALERT, kind + " names whom to ask");
        assertTrue(r.body().contains("<addresses>"), kind + " lists the addresses");
    }

    @Test
    void theConfirmationSaysWhatToConfigure() throws IOException {
        Map<String, String> values = new HashMap<>();
        Placeholders.ALL.keySet().forEach(name -> values.put(name, ""));
        values.putAll(Map.of("registration", "#12", "unit", "Physics", "addresses", "192.0.2.7\n192.0.2.16/28",
                "relay_host", "mail-relay.example.edu", "relay_port", "25"));
        Template.Rendered r = Templates.load(null).get(OutboxKind.CONFIRMATION).render(values);
        assertEquals("Mail relay registration #12 approved: Physics", r.subject());
        assertTrue(r.body().contains("    192.0.2.7\n    192.0.2.16/28\n"), r.body());
        assertTrue(r.body().contains("mail relay (SMTP server):  mail-relay.example.edu\n"), r.body());
        assertTrue(r.body().contains("port:                      25\n"), r.body());
    }

    @Test
    void aTemplatesDirectoryOverridesSomeAndFallsBackForTheRest(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("suspension.txt"), "Subject: Suspended {registration}\n\nSorry, {unit}.\n");
        Templates templates = Templates.load(dir.toString());
        assertEquals("Sorry, {unit}.\n", templates.get(OutboxKind.SUSPENSION).body());
        Template shipped = Templates.load(null).get(OutboxKind.BLOCK);
        assertEquals(shipped, templates.get(OutboxKind.BLOCK), "the shipped block template, by the same name");
        assertTrue(shipped.name().endsWith("(shipped)"), shipped.name());
    }

    @Test
    void aBrokenOverrideOrAMissingDirectoryStopsTheLoadWithOneLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("block.txt"), "Subject: Block\n\n{netwrk} is blocked\n");
        IOException e = assertThrows(IOException.class, () -> Templates.load(dir.toString()));
        assertTrue(e.getMessage().startsWith(dir.resolve("block.txt") + ": unknown placeholder {netwrk}"), e.getMessage());
        Files.write(dir.resolve("block.txt"), new byte[] {'S', 'u', 'b', (byte) 0xff});
        e = assertThrows(IOException.class, () -> Templates.load(dir.toString()));
        assertEquals(dir.resolve("block.txt") + ": not UTF-8 text", e.getMessage());
        e = assertThrows(IOException.class, () -> Templates.load(dir.resolve("nope").toString()));
        assertEquals("mail.templates-dir " + dir.resolve("nope") + ": no such directory", e.getMessage());
        Files.writeString(dir.resolve("block.txt"), "\uFEFFSubject: Blocked\n\nBlocked: {network}\n", StandardCharsets.UTF_8);
        assertEquals("Blocked", Templates.load(dir.toString()).get(OutboxKind.BLOCK).subject(), "a BOM is ignored");
    }

    @Test
    void theShippedReadmeDocumentsEveryPlaceholderAndEveryTemplate() throws IOException {
        String readme;
        try (var in = TemplateTest.class.getResourceAsStream(Templates.RESOURCE_DIR + "README.txt")) {
            readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> p : Placeholders.ALL.entrySet()) {
            String first = p.getValue().split(";")[0];
            assertTrue(readme.contains("{" + p.getKey() + "}") && readme.replaceAll("\\s+", " ").contains(first.replaceAll("\\s+", " ")),
                    "README.txt documents {" + p.getKey() + "} as: " + first);
        }
        for (OutboxKind kind : OutboxKind.values()) {
            assertTrue(kind.template() == null || readme.contains(kind.template() + ".txt"), kind.toString());
        }
    }
}
