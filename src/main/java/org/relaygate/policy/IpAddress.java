package org.relaygate.policy;

import java.util.Optional;

/**
 * An IPv4 or IPv6 address as plain numbers, parsed from a literal without any DNS lookup.
 *
 * <p>IPv4 is held in the low 32 bits of {@code lo} with {@code hi == 0}; IPv6 in all 128 bits.
 * An IPv4-mapped IPv6 literal ({@code ::ffff:192.0.2.1}) becomes the IPv4 address, so a client that
 * Postfix reports in mapped form matches the IPv4 registration.
 */
public record IpAddress(boolean v6, long hi, long lo) {

    public IpAddress {
        if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address out of range");
        }
    }

    public static IpAddress ofV4(int value) {
        return new IpAddress(false, 0, value & 0xffffffffL);
    }

    /** Number of bits in this family: 32 or 128. */
    public int bits() {
        return v6 ? 128 : 32;
    }

    /**
     * Parses an IPv4 or IPv6 literal. Accepts surrounding brackets and an IPv6 zone suffix
     * ({@code fe80::1%eth0}, dropped); rejects everything else with a message fit for a user.
     */
    public static IpAddress parse(String text) {
        IpAddress parsed = parseOrNull(text);
        if (parsed == null) {
            throw new IllegalArgumentException("not an IP address: " + Text.quote(text));
        }
        return parsed;
    }

    public static Optional<IpAddress> tryParse(String text) {
        return Optional.ofNullable(parseOrNull(text));
    }

    /** The allocation-light parser behind {@link #parse}; null when the text is not an address. */
    public static IpAddress parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            // RFC 4007 zones belong to IPv6 only and are never empty.
            if (zone == s.length() - 1 || s.lastIndexOf(':', zone) < 0) {
                return null;
            }
            s = s.substring(0, zone);
        }
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            long v4 = parseV4(s, 0, s.length());
            return v4 < 0 ? null : new IpAddress(false, 0, v4);
        }
        return parseV6(s);
    }

    /** Parses dotted quad s[from, to); returns -1 when malformed. Leading zeros are refused (octal ambiguity). */
    static long parseV4(String s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (i <= to) {
            int start = i;
            int octet = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return -1;
                }
            }
            int len = i - start;
            if (len == 0 || octet > 255 || (len > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            parts++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? value : -1;
    }

    private static IpAddress parseV6(String s) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return new IpAddress(true, 0, 0);
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && hexDigit(s.charAt(i)) >= 0 && i - start < 4) {
                value = (value << 4) | hexDigit(s.charAt(i));
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // Embedded IPv4 in the last 32 bits.
                long v4 = parseV4(s, start, n);
                if (v4 < 0 || count > 6) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = n;
                break;
            }
            if (i == start) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // trailing single colon
            }
        }
        int[] full = new int[8];
        if (gap >= 0) {
            if (count == 8) {
                return null;
            }
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        } else {
            if (count != 8) {
                return null;
            }
            full = groups;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return fromV6Bits(hi, lo);
    }

    /** ASCII only: Character.digit would also take fullwidth and other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** 128 bits to an address, mapping {@code ::ffff:0:0/96} to IPv4. */
    static IpAddress fromV6Bits(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            return new IpAddress(false, 0, lo & 0xffffffffL);
        }
        return new IpAddress(true, hi, lo);
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
    @Override
    public String toString() {
        if (!v6) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) ((hi >>> (48 - 16 * k)) & 0xffff);
            g[k + 4] = (int) ((lo >>> (48 - 16 * k)) & 0xffff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestStart = start;
                bestLen = k - start;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }
}
