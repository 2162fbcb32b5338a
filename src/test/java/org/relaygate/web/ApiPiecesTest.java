package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API's pure parts: Basic credentials, refusal statuses, a JSON submission read as the form. */
class ApiPiecesTest {

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicCredentials() {
        assertEquals(new BasicCredentials("alice", "pa:ss"), BasicCredentials.parse(basic("alice:pa:ss")));
        assertEquals(new BasicCredentials("Jörg", ""), BasicCredentials.parse("basic " + basic("Jörg:").substring(6)));
        assertNull(BasicCredentials.parse(null));
        assertNull(BasicCredentials.parse("Bearer abc"));
        assertNull(BasicCredentials.parse("Basic !!!"));
        assertNull(BasicCredentials.parse(basic("no colon")));
        assertNull(BasicCredentials.parse(basic("a:" + "x".repeat(BasicCredentials.MAX_HEADER))));
    }

    @Test
    void refusalStatuses() {
        assertEquals(404, Refusals.status("no registration 42"));
        assertEquals(409, Refusals.status("registration 42 is already REVOKED"));
        assertEquals(409, Refusals.status("registration 42 is PENDING; only ACTIVE registrations can be suspended"));
        assertEquals(422, Refusals.status("suspension reason is required"));
        assertEquals(422, Refusals.status("192.0.2.0/24 overlaps registration 3"));
    }

    @Test
    void postmasterNames() {
        assertEquals("alice", PostmasterAuth.actor("  alice ").name());
        assertEquals("web", PostmasterAuth.actor("alice").source());
        assertNull(PostmasterAuth.actor(" "));
        assertNull(PostmasterAuth.actor("a\nb"));
        assertNull(PostmasterAuth.actor("x".repeat(PostmasterAuth.MAX_NAME + 1)));
    }

    @Test
    void aJsonSubmissionIsReadAsTheFormWouldBe() {
        Map<String, String> shape = new LinkedHashMap<>();
        JsonObject body = new JsonObject().put("unit", "Physics").put("contact", "physics-it@example.edu")
                .put("addresses", new JsonArray().add("192.0.2.1").add("192.0.2.8/29")).put("device", "Copier")
                .put("reason", "no SMTP AUTH").put("signed_by", "Dr. Head").put("signed_on", "2024-05-01").put("attest", true);
        RegistrationForm form = ApiSubmission.form(body, shape);
        assertEquals(Map.of(), shape);
        assertEquals(new RegistrationForm("Physics", "physics-it@example.edu", "192.0.2.1\n192.0.2.8/29", "Copier",
                "no SMTP AUTH", "Dr. Head", "2024-05-01", true), form);
        assertEquals(List.of("192.0.2.1", "192.0.2.8/29"), form.addressList());

        RegistrationForm text = ApiSubmission.form(body.copy().put("addresses", "192.0.2.1, 192.0.2.8/29\n2001:db8::1")
                .put("attest", "yes"), shape);
        assertEquals(List.of("192.0.2.1", "192.0.2.8/29", "2001:db8::1"), text.addressList());
        assertTrue(text.attested());
        assertFalse(ApiSubmission.form(body.copy().put("attest", "no"), shape).attested());
        JsonObject unattested = body.copy();
        unattested.remove("attest");
        assertFalse(ApiSubmission.form(unattested, shape).attested());
        assertEquals(Map.of(), shape);
    }

    @Test
    void aMissingFieldIsEmptyAndAWrongTypeIsNamed() {
        Map<String, String> shape = new LinkedHashMap<>();
        RegistrationForm form = ApiSubmission.form(new JsonObject().put("unit", "Physics"), shape);
        assertEquals(Map.of(), shape);
        assertEquals(new RegistrationForm("Physics", "", "", "", "", "", "", false), form);

        ApiSubmission.form(new JsonObject().put("unit", new JsonObject()).put("signed_on", 20240501)
                .put("addresses", new JsonArray().add("192.0.2.1").add(7)).put("attest", 1), shape);
        assertEquals(List.of("unit", "signed_on", "addresses"), List.copyOf(shape.keySet()));
        assertEquals("unit must be a JSON string", shape.get("unit"));
    }
}
