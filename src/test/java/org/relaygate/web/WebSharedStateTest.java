package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.RelaygateService;
import org.relaygate.config.HostPort;
import org.relaygate.config.HttpSettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.Registry;

/**
 * The public form and {@code POST /api/registrations} as one: one hourly count per client, the same
 * messages, the same actor; and who the client is behind {@code http.trusted-proxies}. Real service,
 * H2 file, the service's own web listener on a free loopback port.
 */
@ExtendWith(VertxExtension.class)
class WebSharedStateTest {

    private static final Pattern FIELD_ERROR = Pattern.compile("<p class=\"error\" id=\"([a-z_]+)-error\">([^<]*)</p>");

    @TempDir
    Path dir;

    private RelaygateService service;
    private Registry registry;
    private WebClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            await(registry.close());
        }
        if (service != null) {
            await(service.stop());
        }
    }

    private void start(Vertx vertx, String... trustedProxies) throws Exception {
        RelaygateConfig base = RelaygateConfig.load(null, Map.of(), Map.of("db", dir.toString(), "policy.listen", "127.0.0.1:0"));
        HttpSettings h = base.http();
        RelaygateConfig config = base.withHttp(new HttpSettings(new HostPort("127.0.0.1", 0), h.maxBodySize(),
                h.maxConnections(), h.idleTimeout(), 5, h.postmasterPasswordHash(), h.sessionTimeout(), false, "", "",
                List.of(trustedProxies).stream().map(Cidr::parse).toList()));
        service = await(RelaygateService.start(vertx, config));
        registry = await(Registry.open(vertx, config));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(service.httpPort()).setFollowRedirects(false));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static JsonObject apiForm(String addresses) {
        return new JsonObject().put("unit", "Physics").put("contact", "physics-it@example.edu").put("addresses", addresses)
                .put("device", "Copier room 12").put("reason", "The firmware has no SMTP AUTH").put("signed_by", "Dr. Head")
                .put("signed_on", LocalDate.now().toString()).put("attest", true);
    }

    private HttpResponse<Buffer> viaApi(JsonObject form, String... forwardedFor) throws Exception {
        var request = client.post("/api/registrations");
        for (String header : forwardedFor) {
            request.putHeader("X-Forwarded-For", header);
        }
        return await(request.sendJsonObject(form));
    }

    /** The form posted as a browser would (GET for the token, then POST); the answer to the POST. */
    private HttpResponse<Buffer> viaForm(JsonObject fields) throws Exception {
        WebClientSession browser = WebClientSession.create(client);
        String page = await(browser.get("/register").send()).bodyAsString();
        MultiMap form = MultiMap.caseInsensitiveMultiMap().add("X-XSRF-TOKEN", CsrfForms.token(page));
        for (String name : fields.fieldNames()) {
            Object v = fields.getValue(name);
            if (v instanceof JsonArray a) {
                form.add(name, String.join("\n", a.stream().map(String::valueOf).toList()));
            } else if (!Boolean.FALSE.equals(v)) {
                form.add(name, v == Boolean.TRUE ? "yes" : String.valueOf(v));
            }
        }
        return await(browser.post("/register").sendForm(form));
    }

    /** The page's errors by input name, unescaped. */
    private static Map<String, String> fieldErrors(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = FIELD_ERROR.matcher(html);
        while (m.find()) {
            out.put(m.group(1), m.group(2).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&amp;", "&"));
        }
        return out;
    }

    private static Map<String, String> apiErrors(HttpResponse<Buffer> r) {
        assertEquals(422, r.statusCode(), r.bodyAsString());
        Map<String, String> out = new LinkedHashMap<>();
        r.bodyAsJsonObject().getJsonObject("errors").forEach(e -> out.put(e.getKey(), (String) e.getValue()));
        return out;
    }

    private String creator(long id) throws Exception {
        AuditEntry created = await(registry.audit(id, 10)).get(0);
        assertEquals("web", created.source());
        return created.actor();
    }

    @Test
    void theFormAndTheApiShareOneHourlyCount(Vertx vertx) throws Exception {
        start(vertx);
        // refused submissions cost nothing, by either way in
        assertEquals(422, viaApi(apiForm("10.0.0.0/8")).statusCode());
        assertEquals(422, viaForm(apiForm("10.0.0.0/8")).statusCode());
        for (int i = 1; i <= 5; i++) {
            HttpResponse<Buffer> r = viaApi(apiForm("192.0.2." + i));
            assertEquals(201, r.statusCode(), r.bodyAsString());
            assertEquals("web form from 127.0.0.1", creator(r.bodyAsJsonObject().getLong("id")), "the form's actor");
        }
        HttpResponse<Buffer> form = viaForm(apiForm("192.0.2.99"));
        assertEquals(429, form.statusCode(), "five via the API leave none for the form");
        assertTrue(form.bodyAsString().contains("id=\"errors\""));
        assertEquals("3600", form.getHeader("Retry-After"));
        HttpResponse<Buffer> api = viaApi(apiForm("192.0.2.99"));
        assertEquals(429, api.statusCode());
        assertEquals("3600", api.getHeader("Retry-After"));
        assertTrue(api.bodyAsJsonObject().getString("error").contains("at most 5 per hour"), api.bodyAsString());
        assertEquals(5, await(registry.list(RegistrationStatus.PENDING)).size());
    }

    @Test
    void theApiRefusesWithTheFormsMessages(Vertx vertx) throws Exception {
        start(vertx);
        JsonObject bad = apiForm("10.0.0.0/8 not-an-ip").put("contact", "nobody").put("signed_on", "yesterday")
                .put("attest", false).put("unit", "");
        Map<String, String> page = fieldErrors(viaForm(bad).bodyAsString());
        assertEquals(List.of("unit", "contact", "addresses", "signed_on", "attest"), List.copyOf(page.keySet()), page.toString());
        assertEquals(page, apiErrors(viaApi(bad)));
        assertEquals(page, apiErrors(viaApi(bad.copy().put("addresses", new JsonArray().add("10.0.0.0/8").add("not-an-ip")))),
                "addresses as an array");
        assertEquals("signed-on must be a date (YYYY-MM-DD)", page.get("signed_on"));

        // the registry's database checks: the same message under addresses both ways
        assertEquals(201, viaApi(apiForm("192.0.2.7")).statusCode());
        Map<String, String> taken = fieldErrors(viaForm(apiForm("192.0.2.7")).bodyAsString());
        assertTrue(taken.get("addresses").startsWith("192.0.2.7 is already registered"), taken.toString());
        assertEquals(taken, apiErrors(viaApi(apiForm("192.0.2.7"))));

        HttpResponse<Buffer> wrongType = viaApi(apiForm("192.0.2.8").put("unit", new JsonObject()));
        assertEquals(Map.of("unit", "unit must be a JSON string"), apiErrors(wrongType));
        assertEquals(400, await(client.post("/api/registrations").sendBuffer(Buffer.buffer("[1, 2]"))).statusCode());
    }

    @Test
    void withoutTrustedProxiesXForwardedForChangesNothing(Vertx vertx) throws Exception {
        start(vertx, "192.0.2.0/24"); // some proxy, but not the loopback peer of this test
        for (int i = 1; i <= 5; i++) {
            HttpResponse<Buffer> r = viaApi(apiForm("198.51.100." + i), "203.0.113." + i);
            assertEquals(201, r.statusCode(), r.bodyAsString());
            assertEquals("web form from 127.0.0.1", creator(r.bodyAsJsonObject().getLong("id")));
        }
        assertEquals(429, viaApi(apiForm("198.51.100.99"), "203.0.113.99").statusCode(), "one count: the peer's");
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsCounted(Vertx vertx) throws Exception {
        start(vertx, "127.0.0.0/8");
        for (int i = 1; i <= 5; i++) {
            // a client's own X-Forwarded-For (6.6.6.6) is to the left of what the proxy appended: not believed
            HttpResponse<Buffer> r = viaApi(apiForm("198.51.100." + i), "6.6.6." + i + ", 203.0.113.9");
            assertEquals(201, r.statusCode(), r.bodyAsString());
            assertEquals("web form from 203.0.113.9", creator(r.bodyAsJsonObject().getLong("id")));
        }
        assertEquals(429, viaApi(apiForm("198.51.100.99"), "203.0.113.9").statusCode(), "the forwarded client's count");
        HttpResponse<Buffer> other = viaApi(apiForm("198.51.100.99"), "203.0.113.10");
        assertEquals(201, other.statusCode(), "another client behind the same proxy has its own count");
        assertEquals("web form from 203.0.113.10", creator(other.bodyAsJsonObject().getLong("id")));
        HttpResponse<Buffer> malformed = viaApi(apiForm("198.51.100.98"), "203.0.113.9:4711");
        assertEquals(201, malformed.statusCode(), malformed.bodyAsString());
        assertEquals("web form from 127.0.0.1", creator(malformed.bodyAsJsonObject().getLong("id")), "a malformed header: the peer");
    }
}
