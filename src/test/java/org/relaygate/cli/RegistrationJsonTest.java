package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Registration;

class RegistrationJsonTest {

    private static final String NASTY = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 del\u007f "
            + "unicode é \uD83D\uDCE7 </script> \u2028";

    @Test
    void emptyListIsAnEmptyArray() {
        assertEquals(new JsonArray(), new JsonArray(RegistrationJson.toJson(List.of())));
    }

    @Test
    void everyFieldIsPresentWithSchemaNamesAndNullsAsNull() {
        Registration r = FormatsTest.registration(3, RegistrationStatus.PENDING, "Physics", "192.0.2.7", "2001:db8::/64");
        JsonObject o = new JsonArray(RegistrationJson.toJson(List.of(r))).getJsonObject(0);
        assertEquals(List.of("id", "status", "status_reason", "unit", "contact_email", "device", "reason", "signed_by",
                "signed_on", "notes", "created_at", "updated_at", "approved_at", "approved_by", "addresses"),
                List.copyOf(o.fieldNames()));
        assertEquals(3L, o.getLong("id"));
        assertEquals("PENDING", o.getString("status"));
        assertEquals("2026-02-27", o.getString("signed_on"));
        assertEquals("2026-03-01T09:15:30Z", o.getString("created_at"));
        assertTrue(o.containsKey("approved_at") && o.getValue("approved_at") == null);
        // Addresses in their stored, canonical form (always with the prefix), for scripts.
        assertEquals(new JsonArray().add("192.0.2.7/32").add("2001:db8::/64"), o.getJsonArray("addresses"));
    }

    @Test
    void controlCharactersQuotesAndUnicodeSurviveARoundTrip() {
        Registration r = new Registration(9, NASTY, NASTY, NASTY, NASTY, NASTY, LocalDate.parse("2026-01-01"),
                RegistrationStatus.SUSPENDED, NASTY, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, NASTY, NASTY,
                List.of(Cidr.parse("192.0.2.1")));
        String json = RegistrationJson.toJson(List.of(r));
        for (String line : json.lines().toList()) {
            assertFalse(line.chars().anyMatch(c -> c < 0x20), "raw control character in " + line);
        }
        assertTrue(json.contains("quote\\\" backslash\\\\ newline\\n tab\\t nul\\u0000 bell\\u0007"), json);
        JsonObject back = new JsonArray(json).getJsonObject(0);
        for (String key : List.of("unit", "contact_email", "device", "reason", "signed_by", "status_reason", "approved_by", "notes")) {
            assertEquals(NASTY, back.getString(key), key);
        }
    }
}
