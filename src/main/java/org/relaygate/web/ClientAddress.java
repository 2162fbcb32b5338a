package org.relaygate.web;

import java.util.List;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;

/**
 * Who a web request is from, for the per-client limits and the audit actor ({@code http.trusted-proxies}).
 * The peer's address, unless the peer is one of the trusted reverse proxies: then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy. Entries are read from the right only up
 * to that one, since everything to its left was written by the client and may be anything
 * (nginx's {@code real_ip_recursive}). A malformed entry in the part that is read, or no header at
 * all, gives the peer's own address: never a guess. Pure: no Vert.x here.
 */
final class ClientAddress {

    /** What a request without a usable peer address is counted as (all such requests share one count). */
    static final String UNKNOWN = "unknown";

    private final List<Cidr> trustedProxies;

    ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * The client's address in canonical form (IPv6 compressed, IPv4-mapped as IPv4), as the policy
     * server and the relay log it.
     *
     * @param peer the connection's remote host (an IP literal), or null
     * @param forwardedFor every X-Forwarded-For header of the request, in order (several are one list)
     */
    String resolve(String peer, List<String> forwardedFor) {
        IpAddress peerIp = IpAddress.parseOrNull(peer);
        if (peerIp == null) {
            return peer == null || peer.isBlank() ? UNKNOWN : peer;
        }
        if (!trusted(peerIp) || forwardedFor.isEmpty()) {
            return peerIp.toString();
        }
        String[] entries = String.join(",", forwardedFor).split(",", -1);
        IpAddress client = peerIp;
        for (int i = entries.length - 1; i >= 0; i--) {
            IpAddress hop = IpAddress.parseOrNull(entry(entries[i]));
            if (hop == null) {
                return peerIp.toString(); // a malformed header: no entry of it is believed
            }
            client = hop;
            if (!trusted(hop)) {
                break;
            }
        }
        // all trusted: the left-most one is the nearest thing to a client there is
        return client.toString();
    }

    /**
     * What the per-client limits count a client address under: an IPv4 address as it is, an IPv6
     * address as its /64. Every IPv6 host has a /64 of its own to send from, so a count per /128
     * would give one client 2^64 counts (and flush the limiters' bounded tables besides).
     */
    static String limitKey(String client) {
        IpAddress ip = IpAddress.parseOrNull(client);
        if (ip == null || !ip.v6()) {
            return client;
        }
        return new Cidr(new IpAddress(true, ip.hi(), 0), 64).toString();
    }

    /** One entry, stripped; IPv6 zones and brackets are the parser's business, ports are not allowed. */
    private static String entry(String raw) {
        String s = raw.strip();
        return s.isEmpty() || s.indexOf('%') >= 0 ? null : s;
    }

    private boolean trusted(IpAddress ip) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
