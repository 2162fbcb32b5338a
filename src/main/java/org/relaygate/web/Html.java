package org.relaygate.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;

/**
 * Plain HTML for the pages: escaping of every value that reaches a page, and the one page layout
 * (no JavaScript, one stylesheet). Pages are built with StringBuilder and {@link #escape}: there is
 * no template engine, so every value is escaped where it is written.
 */
public final class Html {

    private Html() {
    }

    /** Text or attribute value, escaped for HTML (null is empty). */
    public static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** A whole page: {@code body} is already HTML (its values escaped by the caller). */
    public static String page(String title, String body) {
        return page(title, body, false);
    }

    /** {@link #page(String, String)}; {@code wide} for the postmaster's pages, whose tables need the room. */
    public static String page(String title, String body, boolean wide) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + " - relaygate</title>\n"
                + "<link rel=\"stylesheet\" href=\"/static/relaygate.css\">\n</head>\n<body>\n"
                + (wide ? "<main class=\"wide\">\n" : "<main>\n")
                + "<h1>" + escape(title) + "</h1>\n" + body + "\n</main>\n</body>\n</html>\n";
    }

    /** The form field CSRFHandler checks; it reads the token from a header or from this form attribute. */
    public static final String CSRF_FIELD = "X-XSRF-TOKEN";

    /** The hidden input with the CSRF token CSRFHandler put in the routing context (empty outside its routes). */
    public static String csrfField(RoutingContext ctx) {
        String token = ctx.get(CSRF_FIELD);
        return token == null ? "" : "<input type=\"hidden\" name=\"" + CSRF_FIELD + "\" value=\"" + escape(token) + "\">\n";
    }

    /** Sends a page with its status; HTML is never cached (it may carry a CSRF token or a reference). */
    public static void send(RoutingContext ctx, int status, String html) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(html);
    }

    /** The error next to a field: {@code <p class="error" id="NAME-error">}, or nothing without an error. */
    public static String fieldError(String name, String error) {
        return error == null ? "" : "<p class=\"error\" id=\"" + escape(name) + "-error\">" + escape(error) + "</p>\n";
    }

    /** The attributes that tie an input to its error for assistive technology (nothing without an error). */
    public static String invalidAttributes(String name, String error) {
        return error == null ? "" : " aria-invalid=\"true\" aria-describedby=\"" + escape(name) + "-error\"";
    }

    /**
     * A labelled single-line input with its error between label and input. {@code label} (HTML) and
     * {@code extra} (raw attributes: autocomplete, required, ...) are written by the caller, never user
     * input; {@code value} and {@code error} are escaped here.
     */
    public static String input(String name, String label, String type, String value, String extra, String error) {
        return "<div class=\"field" + (error == null ? "" : " invalid") + "\">\n"
                + "<label for=\"" + escape(name) + "\">" + label + "</label>\n" + fieldError(name, error)
                + "<input id=\"" + escape(name) + "\" name=\"" + escape(name) + "\" type=\"" + escape(type)
                + "\" value=\"" + escape(value) + "\"" + extra + invalidAttributes(name, error) + ">\n</div>\n";
    }

    /** A labelled textarea with its error; {@code label} and {@code extra} are HTML written by the caller. */
    public static String textarea(String name, String label, String value, String extra, String error) {
        return "<div class=\"field" + (error == null ? "" : " invalid") + "\">\n"
                + "<label for=\"" + escape(name) + "\">" + label + "</label>\n" + fieldError(name, error)
                + "<textarea id=\"" + escape(name) + "\" name=\"" + escape(name) + "\"" + extra
                + invalidAttributes(name, error) + ">" + escape(value) + "</textarea>\n</div>\n";
    }

    /**
     * The summary on top of a refused form: {@code <div id="errors" role="alert">}, each message a
     * link to its field (a key without an input on the page, like a general error, is plain text).
     */
    public static String errorSummary(Map<String, String> errors, Set<String> inputs) {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<div id=\"errors\" role=\"alert\" class=\"summary\">\n"
                + "<h2>There is a problem</h2>\n<ul>\n");
        errors.forEach((name, message) -> out.append("<li>").append(inputs.contains(name)
                ? "<a href=\"#" + escape(name) + "\">" + escape(message) + "</a>" : escape(message)).append("</li>\n"));
        return out.append("</ul>\n</div>\n").toString();
    }
}
