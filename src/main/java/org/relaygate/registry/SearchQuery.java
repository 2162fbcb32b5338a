package org.relaygate.registry;

import java.util.Locale;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;

/**
 * What the postmaster searches for: an address (an IP: the registrations whose networks contain it;
 * a CIDR: those whose networks overlap it), or else text found in the unit or the contact address
 * (case-insensitive substring). Pure: {@link #parse} decides which from the text alone.
 */
public record SearchQuery(Cidr network, String text) {

    public static final int MAX_LENGTH = 200;

    /** The query for what was typed; RegistryException with a one-line reason when it is unusable. */
    public static SearchQuery parse(String q) {
        String s = q == null ? "" : q.strip();
        if (s.isEmpty()) {
            throw new RegistryException("search for an address, a network, a unit or a contact address");
        }
        if (s.length() > MAX_LENGTH) {
            throw new RegistryException("the search is longer than " + MAX_LENGTH + " characters");
        }
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        if (IpAddress.parseOrNull(addressPart) == null) {
            return new SearchQuery(null, s.toLowerCase(Locale.ROOT));
        }
        try {
            return new SearchQuery(Cidr.parse(s), null);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage()); // looks like an address, but is not a usable one
        }
    }

    public boolean byNetwork() {
        return network != null;
    }

    /** The text as a LIKE pattern matching it anywhere, with \ as the escape for %, _ and \ themselves. */
    String likePattern() {
        StringBuilder out = new StringBuilder("%");
        for (char c : text.toCharArray()) {
            if (c == '%' || c == '_' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('%').toString();
    }
}
