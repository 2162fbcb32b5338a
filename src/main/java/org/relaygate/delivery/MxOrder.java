package org.relaygate.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.relaygate.policy.IpAddress;

/**
 * The MX rules of RFC 5321 5.1, without DNS: hosts by preference, equal preferences in random
 * order (to spread load), each host once, at most {@link #MAX_HOSTS}; no MX at all means the domain
 * itself (its A/AAAA); a lone MX "." means the domain takes no mail (RFC 7505). Also the address
 * literals ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) that need no DNS. Pure.
 */
final class MxOrder {

    /** Like Postfix's smtp_mx_address_limit: trying more rarely helps and delays the retry. */
    static final int MAX_HOSTS = 5;

    record Mx(int preference, String host) {
    }

    private MxOrder() {
    }

    /** The hosts to try; empty for a null MX. */
    static List<String> hosts(String domain, List<Mx> records, Random random) {
        if (records.isEmpty()) {
            return List.of(domain); // RFC 5321 5.1: the domain itself is the implicit MX
        }
        if (records.size() == 1 && bare(records.get(0).host()).isEmpty()) {
            return List.of();
        }
        List<Mx> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        shuffled.sort(Comparator.comparingInt(Mx::preference)); // stable: equal preferences stay shuffled
        Set<String> hosts = new LinkedHashSet<>();
        for (Mx mx : shuffled) {
            String host = bare(mx.host());
            if (!host.isEmpty() && hosts.size() < MAX_HOSTS) {
                hosts.add(host);
            }
        }
        return List.copyOf(hosts);
    }

    /** Lower case, without the root's trailing dot. */
    private static String bare(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** True for {@code [...]}: an address literal, not a domain (RFC 5321 4.1.3). */
    static boolean isLiteral(String domain) {
        return domain.startsWith("[") && domain.endsWith("]");
    }

    /** The IP of an address literal; IllegalArgumentException when it is none. */
    static String literal(String domain) {
        String inner = domain.substring(1, domain.length() - 1);
        boolean v6 = inner.regionMatches(true, 0, "IPv6:", 0, 5);
        String ip = v6 ? inner.substring(5) : inner;
        IpAddress parsed = IpAddress.parseOrNull(ip);
        if (parsed == null || parsed.v6() != v6) {
            throw new IllegalArgumentException("not an address literal: " + domain);
        }
        return ip;
    }
}
