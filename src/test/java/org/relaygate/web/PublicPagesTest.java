package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.LocalDate;
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
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;

/**
 * The public registration form over real sockets: the whole service on an H2 file in a temporary
 * directory, the web listener on a free loopback port, a cookie-keeping web client as the browser.
 */
@ExtendWith(VertxExtension.class)
class PublicPagesTest {

    private static final Pattern REFERENCE = Pattern.compile("<strong id=\"reference\">(\\d+)</strong>");
    private static final int MAX_BODY = 8192;

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

    private WebClientSession start(Vertx vertx, boolean secureCookies) throws Exception {
        RelaygateConfig base = RelaygateConfig.load(null, Map.of(), Map.of(
                "db", dir.toString(), "policy.listen", "127.0.0.1:0"));
        HttpSettings h = base.http();
        RelaygateConfig config = base.withHttp(new HttpSettings(new HostPort("127.0.0.1", 0), MAX_BODY,
                h.maxConnections(), h.idleTimeout(), 5, h.postmasterPasswordHash(), h.sessionTimeout(),
                secureCookies, "", ""));
        service = await(RelaygateService.start(vertx, config));
        registry = await(Registry.open(vertx, config));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(service.httpPort()).setFollowRedirects(false));
        return WebClientSession.create(client);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** GET /register as a browser would, and the CSRF token from its form. */
    private static String formToken(WebClientSession browser) throws Exception {
        HttpResponse<Buffer> page = await(browser.get("/register").send());
        assertEquals(200, page.statusCode());
        return CsrfForms.token(page);
    }

    private static MultiMap validForm(String token, String address) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("unit", "Physics").add("contact", "physics-it@example.edu").add("addresses", address)
                .add("device", "Copier room 12").add("reason", "The firmware has no SMTP AUTH")
                .add("signed_by", "Dr. Head").add("signed_on", LocalDate.now().toString()).add("attest", "yes");
        if (token != null) {
            form.add("X-XSRF-TOKEN", token);
        }
        return form;
    }

    private static HttpResponse<Buffer> submit(WebClientSession browser, MultiMap form) throws Exception {
        return await(browser.post("/register").sendForm(form));
    }

    @Test
    void theFormIsServedWithItsFieldsAndSafeHeaders(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, false);
        HttpResponse<Buffer> root = await(browser.get("/").send());
        assertEquals("/register", root.getHeader("Location"));

        HttpResponse<Buffer> page = await(browser.get("/register").send());
        assertEquals(200, page.statusCode());
        String html = page.bodyAsString();
        assertTrue(html.contains("<form id=\"registration\" method=\"post\" action=\"/register\">"));
        for (String input : RegistrationForm.INPUTS) {
            assertTrue(html.contains("id=\"" + input + "\" name=\"" + input + "\""), input);
            assertTrue(html.contains("<label for=\"" + input + "\">"), "label for " + input);
        }
        assertTrue(html.contains("value=\"" + LocalDate.now() + "\""), "signed_on defaults to today");
        assertTrue(html.contains("id=\"submit\""));
        assertFalse(html.contains("<script"), "no JavaScript");
        assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
        assertEquals("DENY", page.getHeader("X-Frame-Options"));
        assertEquals("same-origin", page.getHeader("Referrer-Policy"));
        assertEquals("no-store", page.getHeader("Cache-Control"));
        assertTrue(page.getHeader("Content-Security-Policy").startsWith("default-src 'self'"));
        String session = sessionCookie(page.cookies());
        assertTrue(session.toLowerCase().contains("httponly") && session.contains("SameSite=Strict"), session);
        assertFalse(session.contains("Secure"), "http.secure-cookies=off: " + session);

        HttpResponse<Buffer> css = await(browser.get("/static/relaygate.css").send());
        assertEquals(200, css.statusCode());
        assertTrue(css.getHeader("Content-Type").startsWith("text/css"));
        assertTrue(css.bodyAsString().contains(".error"));
    }

    @Test
    void secureCookiesCarryTheSecureFlag(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, true);
        HttpResponse<Buffer> page = await(browser.get("/register").send());
        assertEquals(200, page.statusCode());
        assertTrue(sessionCookie(page.cookies()).contains("Secure"), page.cookies().toString());
        assertTrue(page.cookies().stream().filter(c -> c.startsWith(WebServer.CSRF_COOKIE + "="))
                .allMatch(c -> c.contains("Secure")), page.cookies().toString());
    }

    private static String sessionCookie(List<String> cookies) {
        return cookies.stream().filter(c -> c.startsWith(WebServer.SESSION_COOKIE + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + cookies));
    }

    @Test
    void errorsAreShownNextToTheirFieldsWithTheInputKept(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, false);
        MultiMap form = validForm(formToken(browser), "10.0.0.0/8")
                .set("unit", "<script>alert(1)</script>").set("contact", "not-an-address").set("signed_on", "yesterday");
        form.remove("attest");
        HttpResponse<Buffer> page = submit(browser, form);
        assertEquals(422, page.statusCode());
        String html = page.bodyAsString();
        assertTrue(html.contains("<div id=\"errors\" role=\"alert\""), html);
        for (String field : List.of("contact", "addresses", "signed_on", "attest")) {
            assertTrue(html.contains("<p class=\"error\" id=\"" + field + "-error\">"), field);
            assertTrue(html.contains("aria-invalid=\"true\" aria-describedby=\"" + field + "-error\""), field);
        }
        assertTrue(html.contains("10.0.0.0/8 is too wide: IPv4 networks must be /16 or narrower"), "the CLI's message");
        assertFalse(html.contains("unit-error"), "a valid field has no error");
        assertFalse(html.contains("<script>"), "input is escaped");
        assertTrue(html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""), "input is kept");
        assertTrue(html.contains(">10.0.0.0/8</textarea>"));
        assertTrue(html.contains("value=\"Copier room 12\""));
        assertTrue(CsrfForms.TOKEN.matcher(html).find(), "a fresh token to submit again");
        assertEquals(List.of(), await(registry.list(RegistrationStatus.PENDING)));
    }

    @Test
    void aPostWithoutTheCsrfTokenIsForbidden(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, false);
        formToken(browser); // the session and the CSRF cookie exist: only the form field is missing
        HttpResponse<Buffer> refused = submit(browser, validForm(null, "192.0.2.7"));
        assertEquals(403, refused.statusCode());
        assertTrue(refused.getHeader("Content-Type").startsWith("text/plain"));
        assertFalse(refused.bodyAsString().contains("Exception"), refused.bodyAsString());

        HttpResponse<Buffer> forged = submit(browser, validForm("forged.1.x", "192.0.2.7"));
        assertEquals(403, forged.statusCode());
        assertEquals(List.of(), await(registry.list(RegistrationStatus.PENDING)));
    }

    @Test
    void aValidFormBecomesAPendingRegistrationAndTheLimitApplies(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, false);
        HttpResponse<Buffer> done = submit(browser, validForm(formToken(browser), "192.0.2.7\r\n192.0.2.8"));
        assertEquals(303, done.statusCode(), done.bodyAsString());
        assertEquals("/register/submitted", done.getHeader("Location"));
        HttpResponse<Buffer> submitted = await(browser.get("/register/submitted").send());
        assertEquals(200, submitted.statusCode());
        Matcher m = REFERENCE.matcher(submitted.bodyAsString());
        assertTrue(m.find(), submitted.bodyAsString());
        assertTrue(submitted.bodyAsString().contains("PENDING"));
        long id = Long.parseLong(m.group(1));

        Registration stored = await(registry.get(id));
        assertEquals(RegistrationStatus.PENDING, stored.status());
        assertEquals("Physics", stored.unit());
        assertEquals(2, stored.addresses().size());
        AuditEntry created = await(registry.audit(id, 10)).get(0);
        assertEquals("web form from 127.0.0.1", created.actor());
        assertEquals("web", created.source());

        // another browser has no reference: it is never taken from the URL
        WebClientSession other = WebClientSession.create(client);
        assertEquals(404, await(other.get("/register/submitted?reference=" + id).send()).statusCode());

        // the registry's database checks: an address already registered, shown next to addresses (2nd)
        HttpResponse<Buffer> taken = submit(browser, validForm(formToken(browser), "192.0.2.8"));
        assertEquals(422, taken.statusCode());
        assertTrue(taken.bodyAsString().contains("<p class=\"error\" id=\"addresses-error\">192.0.2.8 is already registered: registration "
                + id + " has 192.0.2.8</p>"), taken.bodyAsString());

        for (int i = 3; i <= 5; i++) {
            assertEquals(303, submit(browser, validForm(formToken(browser), "192.0.2." + (10 + i))).statusCode(), "submission " + i);
        }
        HttpResponse<Buffer> sixth = submit(other, validForm(formToken(other), "192.0.2.99"));
        assertEquals(429, sixth.statusCode(), "the limit is per client address, not per session");
        assertTrue(sixth.bodyAsString().contains("id=\"errors\""));
        assertEquals("3600", sixth.getHeader("Retry-After"));
        assertEquals(4, await(registry.list(RegistrationStatus.PENDING)).size());
    }

    @Test
    void oversizedBodiesAndUnknownPathsGetShortPlainAnswers(Vertx vertx) throws Exception {
        WebClientSession browser = start(vertx, false);
        MultiMap big = validForm(formToken(browser), "192.0.2.7").set("reason", "x".repeat(MAX_BODY + 1));
        HttpResponse<Buffer> tooLarge = submit(browser, big);
        assertEquals(413, tooLarge.statusCode());
        assertTrue(tooLarge.bodyAsString().length() < 200, tooLarge.bodyAsString());

        HttpResponse<Buffer> missing = await(browser.get("/no/such/page").send());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.getHeader("Content-Type").startsWith("text/plain"));
        assertEquals("404 Not Found\n", missing.bodyAsString());
        assertNotNull(missing.getHeader("Content-Security-Policy"));

        HttpResponse<Buffer> wrongMethod = await(browser.put("/").send());
        assertEquals(405, wrongMethod.statusCode());
        assertFalse(wrongMethod.bodyAsString().contains("at org."));
    }
}
