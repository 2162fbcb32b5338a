package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pages' CSRF-protected forms as the web tests' browser fills them in: the token, and a post with it. */
final class CsrfForms {

    /** The hidden input every form carries (CSRFHandler's header name as the field name). */
    static final Pattern TOKEN = Pattern.compile("name=\"X-XSRF-TOKEN\" value=\"([^\"]+)\"");

    private CsrfForms() {
    }

    /** The page's CSRF token; fails the test when the page has none. */
    static String token(HttpResponse<Buffer> page) {
        return token(page.bodyAsString());
    }

    static String token(String html) {
        Matcher m = TOKEN.matcher(html);
        assertTrue(m.find(), () -> "no CSRF field in: " + html);
        return m.group(1);
    }

    /** The fields and the token, posted as a form. */
    static Future<HttpResponse<Buffer>> post(WebClientSession browser, String path, String token, Map<String, String> fields) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap();
        fields.forEach(form::add);
        form.add("X-XSRF-TOKEN", token);
        return browser.post(path).sendForm(form);
    }
}
