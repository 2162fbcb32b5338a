package org.relaygate.web;

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
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + " - relaygate</title>\n"
                + "<link rel=\"stylesheet\" href=\"/static/relaygate.css\">\n</head>\n<body>\n<main>\n"
                + "<h1>" + escape(title) + "</h1>\n" + body + "\n</main>\n</body>\n</html>\n";
    }
}
