package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.relaygate.policy.Cidr;

class RegistrationRulesTest {

    private static final LocalDate TODAY = LocalDate.of(2025, 3, 14);
    private final RegistrationRules rules = new RegistrationRules(16, 48);

    private static NewRegistration form(String unit, String email, String device, String reason, String signedBy,
                                        List<String> addresses) {
        return new NewRegistration(unit, email, device, reason, signedBy, null, addresses, null);
    }

    private String refusal(NewRegistration form) {
        return assertThrows(RegistryException.class, () -> rules.validate(form, TODAY)).getMessage();
    }

    @Test
    void validFormIsTrimmedAndCanonical() {
        RegistrationRules.Valid v = rules.validate(form(" Physics ", "IT@Physics.Example.EDU", "copier", "no AUTH",
                "Dr. Head", List.of("192.0.2.7", "::ffff:198.51.100.1", "2001:DB8:0:0::/48")), TODAY);
        assertEquals("Physics", v.unit());
        assertEquals("IT@physics.example.edu", v.contactEmail());
        assertEquals(TODAY, v.signedOn(), "signed_on defaults to today");
        assertEquals(List.of(Cidr.parse("192.0.2.7/32"), Cidr.parse("198.51.100.1/32"), Cidr.parse("2001:db8::/48")),
                v.addresses());
        assertEquals("198.51.100.1/32", v.addresses().get(1).toString(), "mapped IPv6 is stored as IPv4");
        assertEquals(null, v.notes());
    }

    @Test
    void explicitSigningDateIsKept() {
        NewRegistration f = new NewRegistration("u", "a@b.example", "d", "r", "s", LocalDate.of(2020, 1, 2),
                List.of("192.0.2.1"), "  some notes ");
        RegistrationRules.Valid v = rules.validate(f, TODAY);
        assertEquals(LocalDate.of(2020, 1, 2), v.signedOn());
        assertEquals("some notes", v.notes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing unit       | unit is required",
        "missing device     | device is required",
        "missing reason     | reason is required",
        "missing signer     | signed-by is required",
        "missing email      | contact email is required",
        "long unit          | unit is longer than 200 characters",
        "control in device  | device must not contain control characters (line breaks, tabs)",
        "no addresses       | at least one address is required",
    })
    void requiredFields(String name, String message) {
        String longText = "x".repeat(201);
        NewRegistration f = switch (name.strip()) {
            case "missing unit" -> form("  ", "a@b.example", "d", "r", "s", List.of("192.0.2.1"));
            case "missing device" -> form("u", "a@b.example", null, "r", "s", List.of("192.0.2.1"));
            case "missing reason" -> form("u", "a@b.example", "d", "", "s", List.of("192.0.2.1"));
            case "missing signer" -> form("u", "a@b.example", "d", "r", null, List.of("192.0.2.1"));
            case "missing email" -> form("u", null, "d", "r", "s", List.of("192.0.2.1"));
            case "long unit" -> form(longText, "a@b.example", "d", "r", "s", List.of("192.0.2.1"));
            case "control in device" -> form("u", "a@b.example", "line\nbreak", "r", "s", List.of("192.0.2.1"));
            default -> form("u", "a@b.example", "d", "r", "s", List.of());
        };
        assertEquals(message, refusal(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "no-domain@", "@example.edu", "two words@example.edu", "a@b@example.edu",
        "a@localhost", "a@-bad.example", "a@exa mple.edu", "a..b@example.edu", ".a@example.edu", "a@example..edu",
        "tab\t@example.edu", "a<b>@example.edu"})
    void implausibleEmailsAreRefused(String email) {
        String message = refusal(form("u", email, "d", "r", "s", List.of("192.0.2.1")));
        assertEquals(true, message.startsWith("contact email "), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"physics-it@example.edu", "first.last+relay@dept.uni.example", "o'neil@example.co.uk"})
    void plausibleEmailsPass(String email) {
        assertEquals(email, rules.validate(form("u", email, "d", "r", "s", List.of("192.0.2.1")), TODAY).contactEmail());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.300             | not an IP address or CIDR: \"192.0.2.300\"",
        "192.0.2.7/24            | \"192.0.2.7/24\" has host bits set; did you mean 192.0.2.0/24?",
        "10.0.0.0/8              | 10.0.0.0/8 is too wide: IPv4 networks must be /16 or narrower",
        "2001:db8::/32           | 2001:db8::/32 is too wide: IPv6 networks must be /48 or narrower",
        "host.example.edu        | not an IP address or CIDR: \"host.example.edu\"",
    })
    void badAddressesAreRefusedWithTheParsersMessage(String address, String message) {
        assertEquals(message, refusal(form("u", "a@b.example", "d", "r", "s", List.of(address))));
    }

    @Test
    void duplicatesAndOverlapsWithinTheFormAreRefused() {
        assertEquals("192.0.2.7 is given twice",
                refusal(form("u", "a@b.example", "d", "r", "s", List.of("192.0.2.7", "::ffff:192.0.2.7"))));
        assertEquals("192.0.2.7 overlaps 192.0.2.0/24 in the same registration",
                refusal(form("u", "a@b.example", "d", "r", "s", List.of("192.0.2.0/24", "192.0.2.7"))));
    }

    @Test
    void tooManyAddressesAreRefused() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= RegistrationRules.MAX_ADDRESSES; i++) {
            many.add("10.1." + (i / 256) + "." + (i % 256));
        }
        assertEquals("at most 256 addresses per registration", refusal(form("u", "a@b.example", "d", "r", "s", many)));
    }

    @Test
    void allErrorsAreCollectedInFormOrder() {
        NewRegistration f = new NewRegistration(" ", "not-an-address", "ok device", null, "x".repeat(201), null,
                List.of("192.0.2.7", "10.0.0.0/8"), "tab\tin notes");
        Map<String, String> errors = rules.errors(f, TODAY);
        assertEquals(List.of("unit", "contact email", "reason", "signed-by", "notes", "addresses"),
                List.copyOf(errors.keySet()));
        assertEquals("unit is required", errors.get("unit"));
        assertEquals("contact email \"not-an-address\" is not a plausible address (expected local@domain.example)",
                errors.get("contact email"));
        assertEquals("reason is required", errors.get("reason"));
        assertEquals("signed-by is longer than 200 characters", errors.get("signed-by"));
        assertEquals("notes must not contain control characters (line breaks, tabs)", errors.get("notes"));
        assertEquals("10.0.0.0/8 is too wide: IPv4 networks must be /16 or narrower", errors.get("addresses"));
        assertTrue(RegistrationRules.FIELDS.containsAll(errors.keySet()));
    }

    @Test
    void aValidFormHasNoErrors() {
        assertEquals(Map.of(), rules.errors(form("u", "a@b.example", "d", "r", "s", List.of("192.0.2.1")), TODAY));
    }

    /** The CLI's one line is still the first of the collected errors, word for word. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theFirstCollectedErrorIsTheCliRefusal(int which) {
        NewRegistration f = switch (which) {
            case 0 -> form(null, null, null, null, null, null);
            case 1 -> form("u", "a@@b", "d", "r", "s", List.of("192.0.2.300"));
            case 2 -> form("u", "a@b.example", "d", "r", "s", List.of("192.0.2.0/24", "192.0.2.7"));
            default -> form("u", "a@b.example", "d\u0007", "r", "s", List.of());
        };
        Map<String, String> errors = rules.errors(f, TODAY);
        assertEquals(refusal(f), errors.values().iterator().next());
    }

    @Test
    void statusRulesNameTheCurrentStatus() {
        assertEquals("registration 4 is ACTIVE; only PENDING or SUSPENDED registrations can be approved",
                assertThrows(RegistryException.class, () -> StatusRules.checkApprove(4,
                        org.relaygate.policy.RegistrationStatus.ACTIVE)).getMessage());
        assertEquals("registration 4 is REVOKED; only ACTIVE or PENDING registrations can be suspended",
                assertThrows(RegistryException.class, () -> StatusRules.checkSuspend(4,
                        org.relaygate.policy.RegistrationStatus.REVOKED)).getMessage());
        assertEquals("registration 4 is already REVOKED",
                assertThrows(RegistryException.class, () -> StatusRules.checkRevoke(4,
                        org.relaygate.policy.RegistrationStatus.REVOKED)).getMessage());
    }

    @Test
    void rangeColumnsSortLikeNumbers() {
        NetworkRange v4 = NetworkRange.of(Cidr.parse("192.0.2.0/24"));
        assertEquals(new NetworkRange(4, "c0000200", "c00002ff"), v4);
        NetworkRange v6 = NetworkRange.of(Cidr.parse("2001:db8::/48"));
        assertEquals(new NetworkRange(6, "20010db8000000000000000000000000", "20010db80000ffffffffffffffffffff"), v6);
        List<String> hex = new ArrayList<>();
        for (String a : new String[] {"0.0.0.9", "0.0.0.10", "9.0.0.0", "10.0.0.0", "255.255.255.255"}) {
            hex.add(NetworkRange.of(Cidr.parse(a)).start());
        }
        List<String> sorted = new ArrayList<>(hex);
        sorted.sort(null);
        assertEquals(hex, sorted);
    }

    @Test
    void supernetStartsCoverEveryShorterPrefix() {
        // 192.0.2.0/24: /0 -> 0.0.0.0, /1 -> 128.0.0.0, /2../22 -> 192.0.0.0, /23 -> 192.0.2.0
        assertEquals(List.of("00000000", "80000000", "c0000000", "c0000200"),
                Overlaps.supernetStarts(Cidr.parse("192.0.2.0/24")));
        assertEquals(List.of("00000000", "80000000", "c0000000", "e0000000", "f0000000", "f8000000", "fc000000",
                "fe000000"), Overlaps.supernetStarts(Cidr.parse("255.0.0.0/8")));
        assertEquals(List.of("00000000"), Overlaps.supernetStarts(Cidr.parse("0.0.0.0/0")));
    }
}
