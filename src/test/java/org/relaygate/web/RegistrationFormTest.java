package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;

class RegistrationFormTest {

    private static final LocalDate TODAY = LocalDate.of(2025, 3, 14);

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("unit", "Physics");
        m.put("contact", "physics-it@example.edu");
        m.put("addresses", "192.0.2.7, 192.0.2.8\r\n2001:db8::/48");
        m.put("device", "Copier room 12");
        m.put("reason", "Firmware has no SMTP AUTH.\r\n\r\nVendor says never.");
        m.put("signed_by", "Dr. Head");
        m.put("signed_on", "2025-03-13");
        m.put("attest", "yes");
        return m;
    }

    @Test
    void parsesEveryInputAndSplitsTheAddresses() {
        RegistrationForm form = RegistrationForm.parse(valid()::get);
        assertEquals(List.of("192.0.2.7", "192.0.2.8", "2001:db8::/48"), form.addressList());
        assertTrue(form.attested());
        NewRegistration r = form.toRegistration();
        assertEquals("Physics", r.unit());
        assertEquals("physics-it@example.edu", r.contactEmail());
        assertEquals("Copier room 12", r.device());
        assertEquals("Firmware has no SMTP AUTH. Vendor says never.", r.reason(), "line breaks become one space");
        assertEquals("Dr. Head", r.signedBy());
        assertEquals(LocalDate.of(2025, 3, 13), r.signedOn());
        assertEquals(List.of("192.0.2.7", "192.0.2.8", "2001:db8::/48"), r.addresses());
        assertNull(r.notes());
        assertEquals(Map.of(), form.errors(Map.of(), TODAY));
    }

    @Test
    void missingAttributesAreEmptyAndTheCheckboxNeedsItsValue() {
        Map<String, String> m = valid();
        m.remove("unit");
        m.put("attest", "on");
        RegistrationForm form = RegistrationForm.parse(m::get);
        assertEquals("", form.unit());
        assertFalse(form.attested());
        assertEquals(List.of(), RegistrationForm.parse(Map.<String, String>of()::get).addressList());
    }

    @Test
    void aBlankFormIsSignedToday() {
        RegistrationForm blank = RegistrationForm.blank(TODAY);
        assertEquals("2025-03-14", blank.signedOn());
        assertFalse(blank.attested());
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "''          | -",
        "2025-03-14  | -",
        "2025-03-15  | -",
        "2020-01-01  | -",
        "2025-03-16  | signed-on 2025-03-16 is in the future",
        "14.03.2025  | signed-on must be a date (YYYY-MM-DD)",
        "2025-02-30  | signed-on must be a date (YYYY-MM-DD)",
    })
    void theSigningDateIsADateNotLaterThanTomorrow(String signedOn, String error) {
        Map<String, String> m = valid();
        m.put("signed_on", signedOn);
        assertEquals(error, RegistrationForm.parse(m::get).errors(Map.of(), TODAY).get("signed_on"));
    }

    @Test
    void registryFieldsMapToInputNamesInPageOrder() {
        Map<String, String> m = valid();
        m.remove("attest");
        m.put("signed_on", "soon");
        Map<String, String> registry = new LinkedHashMap<>();
        registry.put("unit", "unit is required");
        registry.put("contact email", "contact email \"x\" is not a plausible address (expected local@domain.example)");
        registry.put("signed-by", "signed-by is required");
        registry.put("addresses", "at least one address is required");
        registry.put("something new", "not about an input");
        Map<String, String> errors = RegistrationForm.parse(m::get).errors(registry, TODAY);
        assertEquals(List.of("unit", "contact", "addresses", "signed_by", "signed_on", "attest", RegistrationForm.GENERAL),
                List.copyOf(errors.keySet()));
        assertEquals("signed-by is required", errors.get("signed_by"));
        assertEquals("not about an input", errors.get(RegistrationForm.GENERAL));
    }

    /** Every registry field but notes (which the public form does not ask for) has an input on the page. */
    @Test
    void everyRegistryFieldWithAnInputHasOne() {
        RegistrationForm form = RegistrationForm.parse(valid()::get);
        for (String field : Registry.FORM_FIELDS) {
            String input = form.errors(Map.of(field, "x"), TODAY).keySet().iterator().next();
            if (field.equals("notes")) {
                assertEquals(RegistrationForm.GENERAL, input);
            } else {
                assertTrue(RegistrationForm.INPUTS.contains(input), field + " -> " + input);
            }
        }
    }

    @Test
    void registryRefusalsAboutAnAddressAreRecognised() {
        RegistrationForm form = RegistrationForm.parse(valid()::get);
        assertTrue(form.aboutAddresses("192.0.2.8 is already registered: registration 4 has 192.0.2.0/24"));
        assertTrue(form.aboutAddresses("2001:db8::/48 overlaps dynamic pool 2001:db8::/32 (DHCP addresses cannot be registered)"));
        assertFalse(form.aboutAddresses("192.0.2.70 is outside the institution networks"));
        assertFalse(form.aboutAddresses("Database may be already in use [90020-252]"));
    }
}
