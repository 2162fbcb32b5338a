package org.relaygate.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of {@code MAIL FROM:} and {@code RCPT TO:}: a path and ESMTP parameters.
 *
 * <p>Lenient where old devices are sloppy and it costs nothing (as Postfix with its default
 * {@code strict_rfc821_envelopes = no}): the keyword in any case, spaces after the colon, an address
 * without angle brackets. Strict where it matters downstream: the address must be a qualified
 * US-ASCII {@code local@domain} (no SMTPUTF8 is offered) within the RFC 5321 4.5.3.1 lengths, since
 * the relay forwards it to another MTA. A source route ({@code <@a,@b:user@c>}) is dropped, as RFC
 * 5321 4.1.1.3 asks.
 */
final class PathArgument {

    /** A well-formed argument; {@code address} is "" for the null path {@code <>}; parameter names upper case. */
    record Path(String address, Map<String, String> params) implements Result {
    }

    /** A malformed one: {@code syntax} for the command's shape, otherwise the address itself. */
    record Bad(boolean syntax) implements Result {
    }

    sealed interface Result permits Path, Bad {
    }

    private static final Bad SYNTAX = new Bad(true);
    private static final Bad ADDRESS = new Bad(false);
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~.";

    private PathArgument() {
    }

    /** {@code keyword} is "FROM:" or "TO:"; {@code argument} is what follows the verb and its space. */
    static Result parse(String argument, String keyword) {
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return SYNTAX;
        }
        String rest = argument.substring(keyword.length()).stripLeading();
        String path;
        String params;
        if (rest.startsWith("<")) {
            int close = closingBracket(rest);
            if (close < 0) {
                return SYNTAX;
            }
            path = rest.substring(1, close);
            params = rest.substring(close + 1);
            if (!params.isEmpty() && params.charAt(0) != ' ') {
                return SYNTAX;
            }
        } else {
            int space = rest.indexOf(' ');
            path = space < 0 ? rest : rest.substring(0, space);
            params = space < 0 ? "" : rest.substring(space);
            if (path.isEmpty() || path.indexOf('>') >= 0) {
                return SYNTAX;
            }
        }
        Map<String, String> parsed = params(params.strip());
        if (parsed == null) {
            return SYNTAX;
        }
        String address = withoutSourceRoute(path);
        if (address == null || !(address.isEmpty() || validAddress(address))) {
            return ADDRESS;
        }
        return new Path(address, parsed);
    }

    /** The '>' that closes the path: one inside a quoted local part does not count. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** The reply for a MAIL parameter we do not take (SIZE and BODY are ours), or null. */
    static SmtpReply mailParameterError(Map<String, String> params) {
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (!value.matches("\\d{1,20}")) {
                        return SmtpReplies.BAD_SIZE;
                    }
                }
                case "BODY" -> {
                    if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
                        return SmtpReplies.BAD_BODY;
                    }
                }
                default -> {
                    return SmtpReplies.unsupportedOption(p.getKey());
                }
            }
        }
        return null;
    }

    /** RFC 1870 SIZE, 0 when not declared; a number too large for a long is as good as infinite. */
    static long declaredSize(Map<String, String> params) {
        String value = params.getOrDefault("SIZE", "0");
        return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private static Map<String, String> params(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String param : s.split(" +")) {
            int eq = param.indexOf('=');
            String name = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (name.isEmpty() || !name.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c) || c == '-')
                    || out.put(name, eq < 0 ? "" : param.substring(eq + 1)) != null) {
                return null;
            }
        }
        return out;
    }

    private static String withoutSourceRoute(String path) {
        if (!path.startsWith("@")) {
            return path;
        }
        int colon = path.indexOf(':');
        return colon < 0 ? null : path.substring(colon + 1);
    }

    static boolean validAddress(String address) {
        int at = address.lastIndexOf('@');
        if (address.length() > 254 || at <= 0 || at == address.length() - 1) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return local.length() <= 64 && validLocalPart(local) && domain.length() <= 255 && validDomain(domain);
    }

    private static boolean validLocalPart(String local) {
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            return local.chars().allMatch(c -> c >= ' ' && c < 0x7f);
        }
        // Dots anywhere (a.b., ..): not RFC 5322 dot-atom, but sent by old devices and harmless.
        return local.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c) || ATEXT_SPECIALS.indexOf(c) >= 0);
    }

    private static boolean validDomain(String domain) {
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return domain.length() > 2 && domain.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '\\');
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
