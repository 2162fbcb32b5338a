package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.web.CsrfForms.token;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
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
import org.relaygate.RelaygateService;
import org.relaygate.config.HostPort;
import org.relaygate.config.HttpSettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;

/**
 * The postmaster's pages and the JSON API over real sockets, on a real RelaygateService and H2 file:
 * the service's own web listener (WebServer, with its sessions and CSRF; http.secure-cookies off so
 * the web client sends the cookies over plain HTTP), and a registry opened next to the running
 * service (as the CLI would) for the test's own changes, so an approval reaches the service's
 * snapshot through the watcher.
 */
@ExtendWith(VertxExtension.class)
class PostmasterWebTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String HASH = PasswordHash.hash(PASSWORD, PasswordHash.MIN_ITERATIONS, new byte[16]);
    private static final Actor CLERK = new Actor("clerk", "cli");

    @TempDir
    Path dir;

    private Vertx vertx;
    private RelaygateService service;
    private Registry registry;
    private WebClientSession browser;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        RelaygateConfig config = config(HASH);
        service = await(RelaygateService.start(vertx, config));
        registry = await(Registry.open(vertx, config));
        port = service.httpPort();
        client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
        browser = WebClientSession.create(client);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        await(registry.close());
        await(service.stop());
    }

    private RelaygateConfig config(String hash) {
        RelaygateConfig base = RelaygateConfig.load(null, Map.of(), Map.of(
                "db", dir.toString(), "policy.listen", "127.0.0.1:0", "registry.poll-interval", "200ms"));
        return base.withHttp(new HttpSettings(new HostPort("127.0.0.1", 0), 65536, 256, Duration.ofSeconds(60), 5,
                hash, Duration.ofMinutes(30), false, "", ""));
    }

    private long register(String unit, String contact, String... addresses) throws Exception {
        return await(registry.register(new NewRegistration(unit, contact, "Copier room 12", "no SMTP AUTH", "Dr. Head",
                LocalDate.of(2024, 5, 1), List.of(addresses), null), CLERK));
    }

    // --- pages ---

    @Test
    void pagesWithoutLoginRedirectToTheLoginPage() throws Exception {
        for (String path : List.of("/postmaster", "/postmaster/registrations/1", "/postmaster/search?q=x", "/postmaster/blocks")) {
            HttpResponse<Buffer> r = await(browser.get(path).send());
            assertEquals(303, r.statusCode(), path);
            assertEquals("/postmaster/login", r.getHeader("Location"), path);
        }
    }

    @Test
    void aWrongPasswordIs401AndTheRightOneLogsInWithANewSessionId() throws Exception {
        HttpResponse<Buffer> form = await(browser.get("/postmaster/login").send());
        assertEquals(200, form.statusCode());
        assertTrue(form.bodyAsString().contains("<form id=\"login\" method=\"post\" action=\"/postmaster/login\">"));
        String before = browser.cookieStore().get(false, "127.0.0.1", "/postmaster").iterator().hasNext()
                ? sessionCookie() : null;
        HttpResponse<Buffer> wrong = post("/postmaster/login", token(form), Map.of("name", "alice", "password", "guess"));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.bodyAsString().contains("id=\"login-error\""), wrong.bodyAsString());
        HttpResponse<Buffer> right = post("/postmaster/login", token(wrong), Map.of("name", "alice", "password", PASSWORD));
        assertEquals(303, right.statusCode(), right.bodyAsString());
        assertEquals("/postmaster", right.getHeader("Location"));
        assertNotNull(before);
        assertFalse(before.equals(sessionCookie()), "the session id changes on login");
        assertEquals(200, await(browser.get("/postmaster").send()).statusCode());
    }

    @Test
    void theQueueShowsPendingAndAnApprovalReachesThePolicySnapshot() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        long other = register("Chemistry", "chem@example.edu", "198.51.100.0/28");
        await(registry.approve(other, CLERK));
        logIn("alice");
        String queue = await(browser.get("/postmaster").send()).bodyAsString();
        assertTrue(queue.contains("<table id=\"queue\">"), queue);
        assertTrue(queue.contains("<tr id=\"registration-" + id + "\">"), queue);
        assertTrue(queue.contains("<a href=\"/postmaster/registrations/" + id + "\">"), queue);
        assertFalse(queue.contains("registration-" + other), "an ACTIVE one is not in the queue");
        assertTrue(queue.contains("<form id=\"search\" method=\"get\" action=\"/postmaster/search\">"));

        HttpResponse<Buffer> page = await(browser.get("/postmaster/registrations/" + id).send());
        assertTrue(page.bodyAsString().contains("<dd id=\"status\">PENDING</dd>"), page.bodyAsString());
        HttpResponse<Buffer> approved = post("/postmaster/registrations/" + id + "/approve", token(page), Map.of("reason", ""));
        assertEquals(303, approved.statusCode(), approved.bodyAsString());
        assertEquals("/postmaster/registrations/" + id, approved.getHeader("Location"));
        long approvedAt = System.nanoTime();

        String after = await(browser.get("/postmaster/registrations/" + id).send()).bodyAsString();
        assertTrue(after.contains("<p id=\"notice\" role=\"status\">"), after);
        assertTrue(after.contains("<dd id=\"status\">ACTIVE</dd>"), after);
        Matcher history = Pattern.compile("<table id=\"history\">(.*?)</table>", Pattern.DOTALL).matcher(after);
        assertTrue(history.find(), after);
        assertTrue(history.group(1).contains("alice (web)"), history.group(1));

        IpAddress ip = IpAddress.parse("192.0.2.10");
        while (true) {
            RegisteredAddress seen = service.snapshot().registration(ip);
            if (seen != null && seen.status() == RegistrationStatus.ACTIVE) {
                break;
            }
            assertTrue(System.nanoTime() - approvedAt < TimeUnit.SECONDS.toNanos(2), "the snapshot shows the approval within 2 s");
            Thread.sleep(20); // a condition wait on the watcher's next poll
        }
    }

    @Test
    void anActionWithoutTheCsrfTokenIs403() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        logIn("alice");
        await(browser.get("/postmaster/registrations/" + id).send());
        HttpResponse<Buffer> r = await(browser.post("/postmaster/registrations/" + id + "/approve")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("reason", "")));
        assertEquals(403, r.statusCode());
        assertEquals(RegistrationStatus.PENDING, await(registry.get(id)).status());
    }

    @Test
    void refusedActionsShowTheRegistrysReason() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        await(registry.approve(id, CLERK));
        logIn("alice");
        HttpResponse<Buffer> page = await(browser.get("/postmaster/registrations/" + id).send());
        HttpResponse<Buffer> noReason = post("/postmaster/registrations/" + id + "/suspend", token(page), Map.of("reason", " "));
        assertEquals(422, noReason.statusCode());
        assertTrue(noReason.bodyAsString().contains("<p class=\"error\" id=\"action-error\" role=\"alert\">suspension reason is required</p>"),
                noReason.bodyAsString());
        HttpResponse<Buffer> revoked = post("/postmaster/registrations/" + id + "/revoke", token(noReason), Map.of("reason", "moved"));
        assertEquals(303, revoked.statusCode());
        page = await(browser.get("/postmaster/registrations/" + id).send());
        HttpResponse<Buffer> again = post("/postmaster/registrations/" + id + "/approve", token(page), Map.of());
        assertEquals(409, again.statusCode());
        assertTrue(again.bodyAsString().contains("id=\"action-error\""), again.bodyAsString());
        assertFalse(again.bodyAsString().contains("Exception"));
    }

    @Test
    void theBlockFormGoesBackToALocalPageOnly() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        logIn("alice");
        HttpResponse<Buffer> page = await(browser.get("/postmaster/registrations/" + id).send());
        HttpResponse<Buffer> blocked = post("/postmaster/blocks", token(page),
                Map.of("cidr", "203.0.113.0/24", "reason", "spam <script>", "back", "/postmaster/registrations/" + id));
        assertEquals(303, blocked.statusCode());
        assertEquals("/postmaster/registrations/" + id, blocked.getHeader("Location"));
        String blocks = await(browser.get("/postmaster/blocks").send()).bodyAsString();
        assertTrue(blocks.contains("203.0.113.0/24") && blocks.contains("spam &lt;script&gt;"), blocks);
        HttpResponse<Buffer> away = post("/postmaster/blocks", token(blocks), Map.of("cidr", "not a network", "reason", "x",
                "back", "https://evil.example/"));
        assertEquals("/postmaster/blocks", away.getHeader("Location"));
        assertTrue(await(browser.get("/postmaster/blocks").send()).bodyAsString().contains("id=\"action-error\""));
    }

    @Test
    void searchByAddressNetworkUnitAndContact() throws Exception {
        long physics = register("Physics", "physics-it@example.edu", "192.0.2.8/29");
        long chemistry = register("Chemistry Lab", "chem@example.edu", "198.51.100.7");
        logIn("alice");
        assertEquals(List.of(physics), results("192.0.2.12"));
        assertEquals(List.of(physics), results("192.0.2.0/24"));
        assertEquals(List.of(chemistry), results("chemistry"));
        assertEquals(List.of(chemistry), results("CHEM@"));
        assertEquals(List.of(physics, chemistry), results("example.edu"));
        assertEquals(List.of(), results("192.0.2.99"));
        assertEquals(400, await(browser.get("/postmaster/search").addQueryParam("q", "192.0.2.0/99").send()).statusCode());
    }

    private List<Long> results(String q) throws Exception {
        String page = await(browser.get("/postmaster/search").addQueryParam("q", q).send()).bodyAsString();
        assertTrue(page.contains("<table id=\"results\">"), page);
        return Pattern.compile("<tr id=\"registration-(\\d+)\">").matcher(page).results().map(m -> Long.parseLong(m.group(1))).toList();
    }

    // --- JSON API ---

    @Test
    void theApiNeedsBasicAuth() throws Exception {
        HttpResponse<Buffer> none = await(client.get("/api/registrations").send());
        assertEquals(401, none.statusCode());
        assertTrue(none.getHeader("WWW-Authenticate").startsWith("Basic "));
        assertTrue(none.bodyAsJsonObject().containsKey("error"));
        assertEquals(401, await(client.get("/api/registrations").basicAuthentication("alice", "guess").send()).statusCode());
    }

    @Test
    void theApiApprovesSuspendsRevokesAndBlocks() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        JsonArray pending = await(api(client.get("/api/registrations").addQueryParam("status", "PENDING")).send()).bodyAsJsonArray();
        assertEquals(id, pending.getJsonObject(0).getLong("id"));

        HttpResponse<Buffer> approved = await(api(client.post("/api/registrations/" + id + "/approve")).sendJsonObject(new JsonObject()));
        assertEquals(200, approved.statusCode(), approved.bodyAsString());
        assertEquals("ACTIVE", approved.bodyAsJsonObject().getString("status"));
        HttpResponse<Buffer> noReason = await(api(client.post("/api/registrations/" + id + "/suspend")).sendJsonObject(new JsonObject()));
        assertEquals(422, noReason.statusCode());
        HttpResponse<Buffer> suspended = await(api(client.post("/api/registrations/" + id + "/suspend"))
                .sendJsonObject(new JsonObject().put("reason", "virus")));
        assertEquals("SUSPENDED", suspended.bodyAsJsonObject().getString("status"));
        assertEquals("virus", suspended.bodyAsJsonObject().getString("status_reason"));
        await(api(client.post("/api/registrations/" + id + "/revoke")).sendJsonObject(new JsonObject().put("reason", "gone")));
        HttpResponse<Buffer> refused = await(api(client.post("/api/registrations/" + id + "/approve")).send());
        assertEquals(409, refused.statusCode());
        assertTrue(refused.bodyAsJsonObject().getString("error").contains("REVOKED"), refused.bodyAsString());

        JsonObject shown = await(api(client.get("/api/registrations/" + id)).send()).bodyAsJsonObject();
        assertEquals("REVOKED", shown.getString("status"));
        assertEquals("api-bot", shown.getJsonArray("history").getJsonObject(0).getString("actor"));
        assertEquals(404, await(api(client.get("/api/registrations/999")).send()).statusCode());
        assertEquals(400, await(api(client.post("/api/registrations/" + id + "/suspend")).sendBuffer(Buffer.buffer("{nope"))).statusCode());

        HttpResponse<Buffer> block = await(api(client.post("/api/blocks"))
                .sendJsonObject(new JsonObject().put("cidr", "203.0.113.0/24").put("reason", "spam")));
        assertEquals(201, block.statusCode(), block.bodyAsString());
        assertEquals("203.0.113.0/24", await(api(client.get("/api/blocks")).send()).bodyAsJsonArray().getJsonObject(0).getString("cidr"));
        assertEquals(200, await(api(client.delete("/api/blocks")).addQueryParam("cidr", "203.0.113.0/24").send()).statusCode());
        assertEquals(422, await(api(client.delete("/api/blocks")).addQueryParam("cidr", "203.0.113.0/24").send()).statusCode());
        assertEquals(1, await(api(client.get("/api/search")).addQueryParam("q", "192.0.2.10").send()).bodyAsJsonArray().size());
    }

    @Test
    void theApiRefusesChangesABrowserCouldBeMadeToSendFromAnotherSite() throws Exception {
        long id = register("Physics", "physics-it@example.edu", "192.0.2.10");
        // a cross-site form posting with the Basic credentials a browser remembered
        HttpResponse<Buffer> form = await(api(client.post("/api/registrations/" + id + "/approve"))
                .putHeader("Origin", "https://elsewhere.example").putHeader("Content-Type", "application/x-www-form-urlencoded").send());
        assertEquals(403, form.statusCode(), form.bodyAsString());
        assertTrue(form.bodyAsJsonObject().containsKey("error"));
        // text/plain JSON, as a form with enctype="text/plain" can make it
        HttpResponse<Buffer> plain = await(api(client.post("/api/blocks")).putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer("{\"cidr\": \"203.0.113.0/24\", \"reason\": \"x\", \"y\": \"=\"}")));
        assertEquals(415, plain.statusCode(), plain.bodyAsString());
        assertEquals(403, await(client.post("/api/registrations").putHeader("Origin", "https://elsewhere.example")
                .sendJsonObject(new JsonObject())).statusCode());
        assertEquals("PENDING", await(registry.get(id)).status().name(), "nothing changed");
        assertTrue(await(registry.blocks()).isEmpty(), "nothing blocked");
        // what scripts send still works, reading with an Origin too
        assertEquals(200, await(api(client.get("/api/registrations")).putHeader("Origin", "https://elsewhere.example").send()).statusCode());
        assertEquals(200, await(api(client.post("/api/registrations/" + id + "/approve")).send()).statusCode());
    }

    @Test
    void theApiRegistrationFormAnswers422WithFieldErrorsOr201() throws Exception {
        HttpResponse<Buffer> bad = await(client.post("/api/registrations").sendJsonObject(new JsonObject().put("unit", "Physics")));
        assertEquals(422, bad.statusCode());
        JsonObject errors = bad.bodyAsJsonObject().getJsonObject("errors");
        assertTrue(errors.containsKey("contact") && errors.containsKey("addresses") && errors.containsKey("attest"), errors.encode());
        JsonObject form = new JsonObject().put("unit", "Physics").put("contact", "physics-it@example.edu")
                .put("addresses", "192.0.2.10").put("device", "Copier").put("reason", "no SMTP AUTH")
                .put("signed_by", "Dr. Head").put("signed_on", "2024-05-01").put("attest", true);
        HttpResponse<Buffer> ok = await(client.post("/api/registrations").sendJsonObject(form));
        assertEquals(201, ok.statusCode(), ok.bodyAsString());
        assertEquals("PENDING", ok.bodyAsJsonObject().getString("status"));
        HttpResponse<Buffer> overlap = await(client.post("/api/registrations").sendJsonObject(form));
        assertEquals(422, overlap.statusCode());
        assertTrue(overlap.bodyAsJsonObject().getJsonObject("errors").containsKey("addresses"), overlap.bodyAsString());
    }

    @Test
    void aMalformedPasswordHashFailsTheStartWithOneLine() throws Exception {
        await(service.stop());
        await(registry.close());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> await(RelaygateService.start(vertx, config("pbkdf2-sha256$12$AAAA$BBBB"))));
        String message = e.getCause().getMessage();
        assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause().toString());
        assertTrue(message.startsWith("http.postmaster-password-hash is malformed: "), message);
        assertFalse(message.contains("\n"));
        service = await(RelaygateService.start(vertx, config(HASH)));
        registry = await(Registry.open(vertx, config(HASH)));
    }

    // --- helpers ---

    private <T> HttpRequest<T> api(HttpRequest<T> request) {
        return request.basicAuthentication("api-bot", PASSWORD);
    }

    private void logIn(String name) throws Exception {
        HttpResponse<Buffer> form = await(browser.get("/postmaster/login").send());
        HttpResponse<Buffer> in = post("/postmaster/login", token(form), Map.of("name", name, "password", PASSWORD));
        assertEquals(303, in.statusCode(), in.bodyAsString());
    }

    private HttpResponse<Buffer> post(String path, String token, Map<String, String> fields) throws Exception {
        return await(CsrfForms.post(browser, path, token, fields));
    }


    private String sessionCookie() {
        for (var c : browser.cookieStore().get(false, "127.0.0.1", "/postmaster")) {
            if (c.name().equals(WebServer.SESSION_COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception c ? new RuntimeException(c) : e;
        }
    }
}
