package org.relaygate.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DevTools layer against a tiny page served here: a form filled and submitted as the browser's
 * own POST, a Secure cookie kept over plain HTTP on localhost, HTTP statuses, screenshots, and clear
 * failures for a missing element or a refused connection. (A failsafe test: it needs Chromium.)
 */
class CdpSessionIT {

    private static final String FORM = """
            <!doctype html><html><head><title>form</title></head><body>
            <form id="f" method="post" action="/form">
              <input type="hidden" name="token" value="t0k3n">
              <label for="name">Name</label> <input id="name" name="name" required>
              <label for="notes">Notes</label> <textarea id="notes" name="notes"></textarea>
              <label for="ok">OK</label> <input type="checkbox" id="ok" name="ok" value="yes">
              <button id="submit" type="submit">Send</button>
            </form></body></html>""";

    static Vertx vertx;
    static HttpServer server;
    static String base;
    static Chromium chromium;
    static CdpSession cdp;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(CdpSessionIT::handle);
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        // localhost: a secure context, where browsers keep Secure cookies over plain HTTP (as relaygate's tests need).
        base = "http://localhost:" + port;
        chromium = Chromium.start();
        cdp = CdpSession.connect(vertx, chromium.webSocketUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdp != null) {
            cdp.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void handle(HttpServerRequest request) {
        switch (request.method().name() + " " + request.path()) {
            case "GET /form" -> request.response()
                    .putHeader("Set-Cookie", "sid=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Strict")
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .end(FORM);
            case "GET /long" -> request.response().putHeader("Content-Type", "text/html")
                    .end("<!doctype html><div style=\"height: 3000px\">tall</div><p>end</p>");
            case "POST /form" -> {
                request.setExpectMultipart(true);
                request.endHandler(v -> answerForm(request, request.formAttributes()));
            }
            default -> request.response().setStatusCode(404).putHeader("Content-Type", "text/html").end("<p id=\"missing\">not here</p>");
        }
    }

    /** Echoes what arrived; a POST without the session cookie is refused, as CSRF protection would. */
    private static void answerForm(HttpServerRequest request, MultiMap form) {
        String cookie = request.getHeader("Cookie");
        if (cookie == null || !cookie.contains("sid=s3cr3t")) {
            request.response().setStatusCode(403).putHeader("Content-Type", "text/html").end("<p id=\"refused\">no cookie</p>");
            return;
        }
        String echo = "token=" + form.get("token") + ";name=" + form.get("name") + ";notes=" + form.get("notes").replace("\r", "\\r").replace("\n", "\\n") + ";ok=" + form.get("ok");
        request.response().setStatusCode(422).putHeader("Content-Type", "text/html; charset=utf-8")
                .end("<p id=\"result\">" + echo.replace("<", "&lt;") + "</p>");
    }

    @Test
    void fillsTicksAndSubmitsAFormAsTheBrowsersOwnPost() {
        Tab tab = cdp.newTab().open(base + "/form");
        assertEquals(200, tab.status());
        tab.fill("#name", "Ada <Lovelace>").fill("#notes", "line one\nline two").check("#ok", true);
        assertTrue(tab.checked("#ok"));
        assertEquals("Ada <Lovelace>", tab.value("#name"));

        tab.click("#submit");

        assertEquals(base + "/form", tab.url());
        assertEquals(422, tab.status());
        // The browser normalises a textarea's line breaks to CRLF in what it sends (HTML's form encoding);
        // the page shows them escaped, since an HTML parser would turn CRLF back into LF.
        assertEquals("token=t0k3n;name=Ada <Lovelace>;notes=line one\\r\\nline two;ok=yes", tab.text("#result"));
    }

    @Test
    void keepsASecureCookieOverPlainHttpOnLocalhost() {
        Tab tab = cdp.newTab().open(base + "/form");
        JsonArray cookies = tab.cookies(base + "/");
        JsonObject sid = cookies.stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("sid")).findFirst()
                .orElseThrow(() -> new AssertionError("Chromium dropped the Secure cookie on http://localhost: " + cookies));
        assertEquals(true, sid.getBoolean("secure"));
        assertEquals(true, sid.getBoolean("httpOnly"));
        assertEquals("Strict", sid.getString("sameSite"));
    }

    @Test
    void reportsTheStatusOfThePageOnShow() {
        Tab tab = cdp.newTab().open(base + "/nowhere");
        assertEquals(404, tab.status());
        assertEquals("not here", tab.text("#missing"));
    }

    @Test
    void screenshotsAreWholePagesCutBelowTheContent() {
        int[] shortPage = pngSize(cdp.newTab().open(base + "/form").screenshot());
        assertTrue(shortPage[0] >= 1000 && shortPage[1] > 40 && shortPage[1] < 400, "the form: " + shortPage[0] + "x" + shortPage[1]);
        int[] longPage = pngSize(cdp.newTab().open(base + "/long").screenshot());
        assertTrue(longPage[1] >= 3000, "beyond the 1400 px window: " + longPage[0] + "x" + longPage[1]);
    }

    private static int[] pngSize(byte[] png) {
        assertEquals(0x89504e47, ByteBuffer.wrap(png, 0, 4).getInt(), "PNG signature");
        return new int[] {ByteBuffer.wrap(png, 16, 4).getInt(), ByteBuffer.wrap(png, 20, 4).getInt()}; // IHDR
    }

    @Test
    void aMissingElementFailsSayingWhich() {
        Tab tab = cdp.newTab().open(base + "/form");
        AssertionError e = assertThrows(AssertionError.class, () -> tab.text("#no-such-thing"));
        assertTrue(e.getMessage().contains("no element #no-such-thing"), e.getMessage());
    }

    @Test
    void aRefusedConnectionFailsTheNavigation() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Tab tab = cdp.newTab();
        AssertionError e = assertThrows(AssertionError.class, () -> tab.open("http://localhost:" + closedPort + "/"));
        assertTrue(e.getMessage().contains("ERR_CONNECTION_REFUSED"), e.getMessage());
    }
}
