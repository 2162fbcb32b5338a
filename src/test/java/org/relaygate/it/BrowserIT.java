package org.relaygate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.policyd.PolicyClient.rcpt;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.RelaygateService;
import org.relaygate.browser.CdpSession;
import org.relaygate.browser.Chromium;
import org.relaygate.browser.Tab;
import org.relaygate.config.HostPort;
import org.relaygate.config.HttpSettings;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policyd.PolicyClient;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NetworkKind;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;
import org.relaygate.web.PasswordHash;

/**
 * Issue 7's browser test: a real headless Chromium fills the public registration form, sees the
 * server's validation errors, submits, logs in as the postmaster, approves from the review queue,
 * and the policy server answers OK for the new address within 2 s. Also: the CSRF protection holds
 * against what a browser can really send (a form without its token, a form on another site).
 *
 * <p>The pages are reached as {@code http://localhost:PORT}: the session cookies are Secure, and
 * browsers keep Secure cookies over plain HTTP only in a secure context, which localhost is
 * (Chromium 156 treats http://127.0.0.1 the same; localhost is the name every browser agrees on).
 * With {@code -Drelaygate.screenshots=DIR} (scripts/screenshots) the form and the review queue are
 * saved there as PNGs for docs/.
 */
class BrowserIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String POSTMASTER = "Pat Postmaster";
    private static final String CAMPUS = "192.0.2.0/24";
    private static final String DEVICE_ADDRESS = "192.0.2.20";
    private static final String UNREGISTERED = "192.0.2.99";
    /** The issue's promise: an approval is in the policy answers within 2 s. */
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static Vertx vertx;
    static RelaygateService service;
    static HttpServer elsewhere;
    static Chromium chromium;
    static CdpSession cdp;
    static String base;
    /** A page on another site (127.0.0.1 is not the same site as localhost), for the CSRF checks. */
    static String otherSite;

    @BeforeAll
    static void start() throws Exception {
        // The browser first: without one the test fails (or skips, when asked to) before starting anything else.
        chromium = Chromium.start();
        vertx = Vertx.vertx();
        cdp = CdpSession.connect(vertx, chromium.webSocketUrl());
        RelaygateConfig config = RelaygateConfig.load(null, Map.of(), Map.of(
                        "db", dir.toString(), "policy.listen", "127.0.0.1:0"))
                .withHttp(new HttpSettings(new HostPort("127.0.0.1", 0), 65536, 256, Duration.ofSeconds(60), 5,
                        postmasterPasswordHash(PASSWORD), Duration.ofMinutes(30), true, "", ""));
        seedRegistry(config);
        service = await(RelaygateService.start(vertx, config));
        base = "http://localhost:" + service.httpPort();
        elsewhere = await(vertx.createHttpServer()
                .requestHandler(request -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                        .end(OtherSite.page(request.path(), base)))
                .listen(0, "127.0.0.1"));
        otherSite = "http://127.0.0.1:" + elsewhere.actualPort();
    }

    /**
     * The campus network, which registrations must lie inside (as `relaygate networks add` would),
     * and two older submissions, so that the queue has an order to keep (oldest first).
     */
    private static void seedRegistry(RelaygateConfig config) throws Exception {
        Registry admin = await(Registry.open(vertx, config));
        try {
            Actor cli = new Actor("test", "cli");
            await(admin.addNetwork(NetworkKind.INSTITUTION, Cidr.parse(CAMPUS), "campus", cli));
            await(admin.register(new NewRegistration("Chemistry", "chem-it@example.edu", "Mass spectrometer PC",
                    "vendor software sends plain SMTP only", "Dr. Lee", LocalDate.now(), List.of("192.0.2.30"), null), cli));
            await(admin.register(new NewRegistration("Library", "library-it@example.edu", "Nagios monitoring",
                    "runs unattended, no mailbox of its own", "Sam Reed", LocalDate.now(), List.of("192.0.2.40/31"), null), cli));
        } finally {
            await(admin.close());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdp != null) {
            cdp.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        if (service != null) {
            await(service.stop());
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void registerLoginApproveAndThePolicyServerAnswersOk() throws Exception {
        Tab tab = cdp.newTab();
        try (PolicyClient postfix = PolicyClient.connect(service.policyPort())) {
            long id = register(tab);
            assertTrue(postfix.ask(rcpt(DEVICE_ADDRESS)).startsWith("action=REJECT "), "no relaying while pending");
            logInAsPostmaster(tab, id);
            approve(tab, id);
            Duration took = untilOk(postfix, DEVICE_ADDRESS);
            System.out.printf("BrowserIT: %s answered OK %d ms after the approval page%n", DEVICE_ADDRESS, took.toMillis());
            assertTrue(postfix.ask(rcpt(UNREGISTERED)).startsWith("action=REJECT "), "an unregistered address is still refused");
        }
    }

    /** The public form: server-side errors first, with what was typed kept, then a good submission. */
    private long register(Tab tab) throws IOException {
        tab.open(base + "/");
        assertEquals(base + "/register", tab.url(), "/ leads to the form");
        assertEquals(200, tab.status());
        assertFalse(tab.value("#signed_on").isEmpty(), "the date defaults to today");

        fillForm(tab, "", "not-an-address");
        skipBrowserValidation(tab);
        tab.click("#submit");
        assertEquals(422, tab.status());
        assertTrue(tab.exists("#errors"), "the error summary on top");
        assertFalse(tab.text("#unit-error").isBlank());
        assertFalse(tab.text("#addresses-error").isBlank());
        assertEquals("true", tab.attribute("#unit", "aria-invalid"));
        assertEquals("unit-error", tab.attribute("#unit", "aria-describedby"));
        assertEquals("physics-it@example.edu", tab.value("#contact"), "input kept");
        assertEquals("not-an-address", tab.value("#addresses"));
        assertEquals("Copier room 12 (Canon iR-ADV)", tab.value("#device"));
        assertEquals("Dr. Ada Head", tab.value("#signed_by"));
        assertFalse(tab.exists("#contact-error"), "no error for a good field");
        screenshot(tab, "registration-form-errors.png");

        // A fresh form for the good submission: its screenshot is the one docs/ shows, without
        // the previous errors (resubmitting the corrected page is the same POST to the server).
        tab.open(base + "/register");
        fillForm(tab, "Physics", DEVICE_ADDRESS);
        screenshot(tab, "registration-form.png");
        tab.click("#submit");
        assertEquals(base + "/register/submitted", tab.url());
        assertEquals(200, tab.status());
        String reference = tab.text("#reference").strip();
        assertTrue(reference.matches("\\d+"), "a reference number, not " + reference);
        assertTrue(tab.text("body").contains("PENDING"), "says it waits for the postmaster");
        return Long.parseLong(reference);
    }

    private static void fillForm(Tab tab, String unit, String addresses) {
        tab.fill("#unit", unit)
                .fill("#contact", "physics-it@example.edu")
                .fill("#addresses", addresses)
                .fill("#device", "Copier room 12 (Canon iR-ADV)")
                .fill("#reason", "The copier's scan-to-mail cannot do SMTP AUTH.")
                .fill("#signed_by", "Dr. Ada Head")
                .check("#attest", true);
    }

    /**
     * Lets an incomplete form reach the server: the browser's own checks (required, type=email)
     * would stop it first, but a browser without them, or a script, would not; the server's checks
     * are what this test is about.
     */
    private static void skipBrowserValidation(Tab tab) {
        tab.eval("document.querySelector('#registration').noValidate = true");
    }

    /** The queue is behind the login: a wrong password is refused, the right one shows the new registration. */
    private void logInAsPostmaster(Tab tab, long id) throws IOException {
        tab.open(base + "/postmaster");
        assertEquals(base + "/postmaster/login", tab.url(), "redirected to the login");

        tab.fill("#name", POSTMASTER).fill("#password", "wrong").click("#login-submit");
        assertEquals(401, tab.status());
        assertFalse(tab.text("#login-error").isBlank());

        tab.fill("#name", POSTMASTER).fill("#password", PASSWORD).click("#login-submit");
        assertEquals(base + "/postmaster", tab.url());
        assertEquals(200, tab.status());
        assertTrue(tab.exists("#queue #registration-" + id), "registration #" + id + " in the review queue");
        assertEquals("registration-" + id, tab.eval("[...document.querySelectorAll('#queue tr[id]')].pop().id"),
                "the newest submission last (oldest first)");
        assertSecureCookies(tab);
        screenshot(tab, "review-queue.png");
    }

    private static void assertSecureCookies(Tab tab) {
        var cookies = tab.cookies(base + "/");
        assertFalse(cookies.isEmpty(), "the login keeps a session cookie");
        for (Object c : cookies) {
            JsonObject cookie = (JsonObject) c;
            assertTrue(cookie.getBoolean("secure"), "Secure cookie: " + cookie.encode());
        }
    }

    /**
     * Approves from the registration's page, after another site's forged approval of the same
     * registration was refused (the browser holds a logged-in session: the attack CSRF tokens stop).
     */
    private void approve(Tab tab, long id) {
        String page = base + "/postmaster/registrations/" + id;
        Tab attacker = cdp.newTab().open(otherSite + "/approve/" + id);
        attacker.click("#forged");
        assertEquals(403, attacker.status(), "a forged approval from another site");
        attacker.close();

        tab.click("#registration-" + id + " a[href='/postmaster/registrations/" + id + "']");
        assertEquals(page, tab.url());
        assertEquals("PENDING", tab.text("#status").strip(), "the forged approval changed nothing");
        tab.fill("#approve-form [name=reason]", "signed form checked, copier is patched").click("#approve");
        assertEquals(page, tab.url(), "back on the registration after the action");
        assertEquals("ACTIVE", tab.text("#status").strip());
        assertTrue(tab.exists("#notice"), "says what happened");
        assertTrue(tab.text("#history").contains(POSTMASTER), "the audit log names the postmaster who approved");
    }

    /** Asks as Postfix would, on one connection, until the answer is OK; fails after 2 s. */
    private static Duration untilOk(PolicyClient postfix, String address) throws Exception {
        long start = System.nanoTime();
        String reply = postfix.ask(rcpt(address));
        while (!reply.equals("action=OK\n\n")) {
            if (System.nanoTime() - start > PROPAGATION.toNanos()) {
                throw new AssertionError("2 s after the approval the policy server still answers " + reply.strip());
            }
            Thread.sleep(20); // a condition wait: the next answer shows whether the snapshot moved
            reply = postfix.ask(rcpt(address));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void formsWithoutTheirCsrfTokenAreRefused() {
        Tab tab = cdp.newTab().open(base + "/register");
        fillForm(tab, "Physics", "192.0.2.50");
        tab.eval("document.querySelector('#registration input[name=\"X-XSRF-TOKEN\"]').remove()");
        tab.click("#submit");
        assertEquals(403, tab.status(), "the form without its hidden token");
        assertFalse(tab.exists("#reference"));

        Tab attacker = cdp.newTab().open(otherSite + "/register");
        attacker.click("#forged");
        assertEquals(403, attacker.status(), "a registration posted from another site's page");
        assertFalse(attacker.exists("#reference"));
    }

    /** Writes a screenshot to the directory in -Drelaygate.screenshots (taken either way, so it is tested). */
    private static void screenshot(Tab tab, String name) throws IOException {
        byte[] png = tab.screenshot();
        assertNotEquals(0, png.length);
        String target = System.getProperty("relaygate.screenshots", "");
        if (!target.isBlank()) {
            Files.createDirectories(Path.of(target));
            Files.write(Path.of(target, name), png);
        }
    }

    /** As `relaygate hash-password` makes it, at the lowest iteration count it accepts: the login stays quick. */
    private static String postmasterPasswordHash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return PasswordHash.hash(password, PasswordHash.MIN_ITERATIONS, salt);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Pages on another site whose forms post to relaygate with a made-up token: what a CSRF attack looks like. */
    private static final class OtherSite {

        static String page(String path, String target) {
            String form;
            if (path.startsWith("/approve/")) {
                String id = path.substring("/approve/".length()).replaceAll("\\D", "");
                form = "<form method=\"post\" action=\"" + target + "/postmaster/registrations/" + id + "/approve\">"
                        + "<input type=\"hidden\" name=\"X-XSRF-TOKEN\" value=\"made-up\">"
                        + "<input type=\"hidden\" name=\"reason\" value=\"forged\">";
            } else {
                form = "<form method=\"post\" action=\"" + target + "/register\">"
                        + "<input type=\"hidden\" name=\"X-XSRF-TOKEN\" value=\"made-up\">"
                        + hidden("unit", "Forgery") + hidden("contact", "forger@example.edu")
                        + hidden("addresses", "192.0.2.60") + hidden("device", "none") + hidden("reason", "none")
                        + hidden("signed_by", "Nobody") + hidden("signed_on", "2024-05-01") + hidden("attest", "yes");
            }
            return "<!doctype html><title>win a prize</title>" + form + "<button id=\"forged\">Win</button></form>";
        }

        private static String hidden(String name, String value) {
            return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + value + "\">";
        }
    }
}
