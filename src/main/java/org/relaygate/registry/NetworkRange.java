package org.relaygate.registry;

import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;

/**
 * The computed columns of a cidr row: family (4 or 6) and the first and last address as
 * fixed-width lower-case hex, so that SQL string order is numeric order and range queries can use
 * an index.
 */
record NetworkRange(int family, String start, String end) {

    static NetworkRange of(Cidr cidr) {
        return new NetworkRange(cidr.v6() ? 6 : 4, hex(cidr.first()), hex(cidr.last()));
    }

    /** 8 hex digits for IPv4, 32 for IPv6. */
    static String hex(IpAddress address) {
        if (!address.v6()) {
            return pad(Long.toHexString(address.lo()), 8);
        }
        return pad(Long.toHexString(address.hi()), 16) + pad(Long.toHexString(address.lo()), 16);
    }

    private static String pad(String hex, int width) {
        return "0".repeat(width - hex.length()) + hex;
    }
}
