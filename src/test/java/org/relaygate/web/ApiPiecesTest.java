package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API's pure parts: Basic credentials, refusal statuses, the submission's field mapping. */
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
    void submissionCollectsEveryMissingField() {
        Map<String, String> errors = new LinkedHashMap<>();
        ApiSubmission.registration(new JsonObject().put("unit", "Physics").put("signed_on", "yesterday"), errors);
        assertEquals(List.of("contact", "addresses", "device", "reason", "signed_by", "signed_on", "attest"), List.copyOf(errors.keySet()));
    }

    @Test
    void submissionAddressesAndRegistryRefusals() {
        assertEquals(List.of("192.0.2.1", "192.0.2.8/29", "2001:db8::1"), ApiSubmission.addresses("192.0.2.1, 192.0.2.8/29\n2001:db8::1"));
        assertEquals(List.of("192.0.2.1"), ApiSubmission.addresses(new io.vertx.core.json.JsonArray().add("192.0.2.1")));
        assertTrue(ApiSubmission.addresses(7).isEmpty());
        assertEquals("contact", ApiSubmission.field("contact email \"x\" is not a plausible address"));
        assertEquals("signed_by", ApiSubmission.field("signed-by is longer than 200 characters"));
        assertEquals("addresses", ApiSubmission.field("192.0.2.0/8 is too wide"));
    }
}
