package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.web.CsrfForms.token;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.HostPort;
import org.relaygate.config.HttpSettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;

/**
 * A web listener (WebServer alone, no SMTP or policy listeners) on a real H2 file: what the pages
 * and the API answer when the database itself fails, the capped lists, the JSON answers to requests
 * the router refuses under /api, and the login pool's life.
 */
@ExtendWith(VertxExtension.class)
class WebFailureAndLimitTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String HASH = PasswordHash.hash(PASSWORD, PasswordHash.MIN_ITERATIONS, new byte[16]);
    private static final Actor CLERK = new Actor("clerk", "cli");
    private static final int BODY_LIMIT = 2048;

    @TempDir
    Path dir;

    private Registry registry;
    private WebServer web;
    private WebClient client;
    private WebClientSession browser;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        RelaygateConfig config = RelaygateConfig.load(null, Map.of(), Map.of("db", dir.toString()))
                .withHttp(new HttpSettings(new HostPort("127.0.0.1", 0), BODY_LIMIT, 16, Duration.ofSeconds(30), 5,
                        HASH, Duration.ofMinutes(30), false, "", ""));
        registry = await(Registry.open(vertx, config));
        web = await(new WebServer(new WebContext(vertx, config, registry, null, null, null)).start());
        client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(web.actualPort()));
        browser = WebClientSession.create(client);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        await(web.close());
        await(registry.close());
    }

    private long register(String unit, String... addresses) throws Exception {
        return await(registry.register(new NewRegistration(unit, "it@example.edu", "Copier", "no SMTP AUTH", "Dr. Head",
                LocalDate.of(2024, 5, 1), List.of(addresses), null), CLERK));
    }

    /** n PENDING registrations without addresses, in one statement (the triggers run as for any insert). */
    private void insertPending(int n) throws Exception {
        await(registry.sql("INSERT INTO registrations (unit, contact_email, device, reason, signed_by)"
                + " SELECT 'Bulk ' || X, 'bulk@example.edu', 'Copier', 'no SMTP AUTH', 'Dr. Head' FROM SYSTEM_RANGE(1, " + n + ")", CLERK));
    }

    /** Breaks the database under the running listener, as a damaged schema would. */
    private void dropAddressTable() throws Exception {
        await(registry.sql("DROP TABLE registration_addresses CASCADE", CLERK));
    }

    // --- database failures ---

    @Test
    void aDatabaseFailureIs503WithoutTheDatabasesMessageInTheApi() throws Exception {
        long id = register("Physics", "192.0.2.10");
        dropAddressTable();
        for (HttpRequest<Buffer> request : List.of(api(client.get("/api/registrations")),
                api(client.get("/api/registrations/" + id)), api(client.post("/api/registrations/" + id + "/approve")))) {
            HttpResponse<Buffer> r = await(request.send());
            assertEquals(503, r.statusCode(), r.bodyAsString());
            assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
            assertEquals(new JsonObject().put("error", "the registry could not be read or written just now; try again"),
                    r.bodyAsJsonObject());
        }
        // the registry's own refusals stay what they were, in the same broken state
        HttpResponse<Buffer> unknown = await(api(client.get("/api/registrations/999")).send());
        assertEquals(404, unknown.statusCode());
        assertEquals("no registration 999", unknown.bodyAsJsonObject().getString("error"));
        HttpResponse<Buffer> noReason = await(api(client.post("/api/registrations/" + id + "/suspend")).send());
        assertEquals(422, noReason.statusCode());
    }

    @Test
    void aDatabaseFailureIs503OnThePagesWithTheSameSentence() throws Exception {
        long id = register("Physics", "192.0.2.10");
        logIn();
        HttpResponse<Buffer> page = await(browser.get("/postmaster/registrations/" + id).send());
        assertEquals(200, page.statusCode());
        dropAddressTable();

        HttpResponse<Buffer> queue = await(browser.get("/postmaster").send());
        assertEquals(503, queue.statusCode());
        assertTrue(queue.bodyAsString().contains("<p class=\"error\" id=\"page-error\" role=\"alert\">"
                + "the registry could not be read or written just now; try again</p>"), queue.bodyAsString());
        assertFalse(queue.bodyAsString().toUpperCase().contains("REGISTRATION_ADDRESSES"), queue.bodyAsString());

        HttpResponse<Buffer> approve = post("/postmaster/registrations/" + id + "/approve", token(page), Map.of("reason", ""));
        assertEquals(503, approve.statusCode());
        assertTrue(approve.bodyAsString().contains("<p class=\"error\" id=\"action-error\" role=\"alert\">"
                + "the registry could not be read or written just now; try again</p>"), approve.bodyAsString());
        assertFalse(approve.bodyAsString().toUpperCase().contains("REGISTRATION_ADDRESSES"), approve.bodyAsString());

        HttpResponse<Buffer> unknown = await(browser.get("/postmaster/registrations/999").send());
        assertEquals(404, unknown.statusCode(), "an unknown id is still a refusal");
    }

    // --- capped lists ---

    @Test
    void theReviewQueueShowsTheOldest500AndSaysHowManyMore() throws Exception {
        long first = register("Physics", "192.0.2.10");
        insertPending(502);
        logIn();
        HttpResponse<Buffer> queue = await(browser.get("/postmaster").send());
        assertEquals(200, queue.statusCode());
        String html = queue.bodyAsString();
        assertEquals(500, Pattern.compile("<tr id=\"registration-\\d+\">").matcher(html).results().count());
        assertTrue(html.contains("<tr id=\"registration-" + first + "\">"), "the oldest first");
        assertTrue(html.contains("192.0.2.10"), "with its addresses");
        Matcher more = Pattern.compile("<p id=\"queue-more\">([^<]*)</p>").matcher(html);
        assertTrue(more.find(), html.substring(0, Math.min(html.length(), 2000)));
        assertTrue(more.group(1).contains("500 of 503") && more.group(1).contains("3 more") && more.group(1).contains("Search"),
                more.group(1));
    }

    @Test
    void theApiListTakesALimitAndSaysHowManyThereAreInAll() throws Exception {
        long first = register("Physics", "192.0.2.10", "192.0.2.16/29");
        register("Chemistry", "198.51.100.7");
        insertPending(501);

        HttpResponse<Buffer> all = await(api(client.get("/api/registrations")).send());
        assertEquals(200, all.statusCode());
        assertEquals(500, all.bodyAsJsonArray().size(), "500 unless limit says otherwise");
        assertEquals("503", all.getHeader("X-Total-Count"));

        HttpResponse<Buffer> two = await(api(client.get("/api/registrations")).addQueryParam("limit", "2").send());
        JsonArray list = two.bodyAsJsonArray();
        assertEquals(2, list.size());
        assertEquals(first, list.getJsonObject(0).getLong("id"));
        assertEquals(new JsonArray().add("192.0.2.10/32").add("192.0.2.16/29"), list.getJsonObject(0).getJsonArray("addresses"));
        assertEquals(new JsonArray().add("198.51.100.7/32"), list.getJsonObject(1).getJsonArray("addresses"));
        assertEquals("503", two.getHeader("X-Total-Count"));

        await(registry.approve(first, CLERK));
        HttpResponse<Buffer> active = await(api(client.get("/api/registrations")).addQueryParam("status", "ACTIVE")
                .addQueryParam("limit", "5000").send());
        assertEquals(1, active.bodyAsJsonArray().size());
        assertEquals("1", active.getHeader("X-Total-Count"));

        for (String bad : List.of("0", "5001", "-1", "ten", "99999999999")) {
            HttpResponse<Buffer> r = await(api(client.get("/api/registrations")).addQueryParam("limit", bad).send());
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.bodyAsJsonObject().getString("error").contains("limit"), r.bodyAsString());
        }
    }

    // --- the router's own refusals under /api ---

    @Test
    void theRoutersRefusalsUnderApiAreJson() throws Exception {
        JsonObject big = new JsonObject().put("unit", "x".repeat(BODY_LIMIT + 1));
        HttpResponse<Buffer> tooLarge = await(client.post("/api/registrations").sendJsonObject(big));
        assertJsonError(413, tooLarge);

        HttpResponse<Buffer> unknown = await(api(client.get("/api/nothing")).send());
        assertJsonError(404, unknown);
        assertEquals("no such API endpoint: GET /api/nothing", unknown.bodyAsJsonObject().getString("error"));

        assertJsonError(405, await(api(client.put("/api/registrations")).sendJsonObject(new JsonObject())));

        // outside /api the same refusals stay plain text
        HttpResponse<Buffer> page = await(client.get("/nothing").send());
        assertEquals(404, page.statusCode());
        assertTrue(page.getHeader("Content-Type").startsWith("text/plain"), page.getHeader("Content-Type"));
    }

    private static void assertJsonError(int status, HttpResponse<Buffer> r) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
        assertNotNull(r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    }

    // --- the login pool ---

    @Test
    void theLoginPoolChecksPasswordsAndIsClosedWithTheListener() throws Exception {
        WorkerExecutor pool = web.loginHashing();
        assertNotNull(pool);
        assertEquals(401, await(client.get("/api/registrations").basicAuthentication("api-bot", "guess").send()).statusCode());
        assertEquals(200, await(api(client.get("/api/registrations")).send()).statusCode());
        await(pool.executeBlocking(() -> 1)); // open while the listener runs
        await(web.close());
        assertThrows(Exception.class, () -> await(pool.executeBlocking(() -> 1)), "closed with the listener");
    }

    // --- helpers ---

    private static <T> HttpRequest<T> api(HttpRequest<T> request) {
        return request.basicAuthentication("api-bot", PASSWORD);
    }

    private void logIn() throws Exception {
        HttpResponse<Buffer> form = await(browser.get("/postmaster/login").send());
        HttpResponse<Buffer> in = post("/postmaster/login", token(form), Map.of("name", "alice", "password", PASSWORD));
        assertEquals(303, in.statusCode(), in.bodyAsString());
    }

    private HttpResponse<Buffer> post(String path, String token, Map<String, String> fields) throws Exception {
        return await(CsrfForms.post(browser, path, token, fields));
    }


    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception c ? new RuntimeException(c) : e;
        }
    }
}
