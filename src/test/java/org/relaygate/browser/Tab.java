package org.relaygate.browser;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * One browser tab, driven the way a person would: open a URL, type into fields, tick a box, press a
 * button and wait for the page it leads to. Field values are set through the DOM and buttons are
 * clicked for real, so a form goes out as the browser's own POST (its hidden CSRF field and its
 * cookies included). Each step waits for the page load it causes, at most {@link CdpSession#TIMEOUT}.
 */
public final class Tab {

    private final CdpSession cdp;
    private final String targetId;
    private final String sessionId;
    // The last top-level document's HTTP status (after redirects): written on the event loop
    // before the load event that the test thread waits for.
    private volatile int status;

    Tab(CdpSession cdp, String targetId, String sessionId) {
        this.cdp = cdp;
        this.targetId = targetId;
        this.sessionId = sessionId;
        cdp.on(sessionId, "Network.responseReceived", params -> {
            if ("Document".equals(params.getString("type"))) {
                status = params.getJsonObject("response").getInteger("status");
            }
        });
        call("Page.enable", new JsonObject());
        call("Network.enable", new JsonObject());
    }

    /** Navigates and waits for the page's load event; fails on a network error (refused, reset). */
    public Tab open(String url) {
        CdpSession.Expected loaded = cdp.expect(sessionId, "Page.loadEventFired");
        JsonObject result = call("Page.navigate", new JsonObject().put("url", url));
        String error = result.getString("errorText");
        if (error != null && !error.isEmpty()) {
            throw new AssertionError("opening " + url + " failed: " + error);
        }
        loaded.await();
        return this;
    }

    /** Clicks the button (a real click: the browser submits its form) and waits for the next page. */
    public Tab click(String selector) {
        return loadAfter(element(selector) + ".click()");
    }

    /** Runs a script that leaves the page (a submit, a link) and waits for the page it leads to. */
    public Tab loadAfter(String script) {
        CdpSession.Expected loaded = cdp.expect(sessionId, "Page.loadEventFired");
        eval(script);
        loaded.await();
        return this;
    }

    /** Types a value into an input or a textarea (replacing what was there). */
    public Tab fill(String selector, String value) {
        eval(element(selector) + ".value = " + Json.encode(value));
        return this;
    }

    /** Ticks or clears a checkbox. */
    public Tab check(String selector, boolean checked) {
        eval(element(selector) + ".checked = " + checked);
        return this;
    }

    public boolean exists(String selector) {
        return (Boolean) eval("document.querySelector(" + Json.encode(selector) + ") !== null");
    }

    /** The element's text content; fails when there is no such element. */
    public String text(String selector) {
        return (String) eval(element(selector) + ".textContent");
    }

    /** An input's or textarea's current value; fails when there is no such element. */
    public String value(String selector) {
        return (String) eval(element(selector) + ".value");
    }

    public boolean checked(String selector) {
        return (Boolean) eval(element(selector) + ".checked");
    }

    /** An attribute's value, or null without it; fails when there is no such element. */
    public String attribute(String selector, String name) {
        return (String) eval(element(selector) + ".getAttribute(" + Json.encode(name) + ")");
    }

    /** The address the tab shows (after redirects). */
    public String url() {
        return (String) eval("location.href");
    }

    /** The HTTP status of the page on show (the last response of a redirect chain). */
    public int status() {
        return status;
    }

    /** Evaluates a script in the page and returns its value (JSON types); a thrown error fails the test. */
    public Object eval(String script) {
        JsonObject result = call("Runtime.evaluate", new JsonObject()
                .put("expression", script).put("returnByValue", true));
        JsonObject thrown = result.getJsonObject("exceptionDetails");
        if (thrown != null) {
            JsonObject exception = thrown.getJsonObject("exception", new JsonObject());
            throw new AssertionError("in the page (" + url() + ", HTTP " + status + "): " + exception.getString("description", thrown.getString("text"))
                    + "\n  script: " + script);
        }
        return result.getJsonObject("result").getValue("value");
    }

    /** A PNG of the whole page (beyond the window when longer), cut below the last content (when shorter). */
    public byte[] screenshot() {
        JsonObject size = call("Page.getLayoutMetrics", new JsonObject()).getJsonObject("cssContentSize");
        double contentBottom = ((Number) eval("document.body.getBoundingClientRect().bottom + window.scrollY")).doubleValue();
        JsonObject clip = new JsonObject().put("x", 0).put("y", 0)
                .put("width", Math.ceil(size.getDouble("width")))
                .put("height", Math.ceil(Math.min(size.getDouble("height"), contentBottom + 24)))
                .put("scale", 1);
        String png = call("Page.captureScreenshot", new JsonObject()
                .put("format", "png").put("captureBeyondViewport", true).put("clip", clip)).getString("data");
        return Base64.getDecoder().decode(png);
    }

    /** The cookies the browser keeps for a URL (name, value, secure, httpOnly, sameSite, ...). */
    public JsonArray cookies(String url) {
        return call("Network.getCookies", new JsonObject().put("urls", new JsonArray().add(url))).getJsonArray("cookies");
    }

    /** Closes the tab (the browser and its cookies stay). */
    public void close() {
        cdp.call(null, "Target.closeTarget", new JsonObject().put("targetId", targetId));
    }

    private JsonObject call(String method, JsonObject params) {
        return cdp.call(sessionId, method, params);
    }

    /** A script expression for the element, throwing (so the test fails saying which) when it is missing. */
    private static String element(String selector) {
        String s = Json.encode(selector);
        return "(document.querySelector(" + s + ") ?? (() => { throw new Error('no element ' + " + s + ") })())";
    }
}
