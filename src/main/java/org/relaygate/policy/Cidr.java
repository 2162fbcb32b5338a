package org.relaygate.policy;

/**
 * A network in CIDR form, always normalized: host bits are zero and an IPv4-mapped IPv6 network is
 * held as IPv4. A single address is a /32 or /128. Text form is canonical ({@code 192.0.2.0/24},
 * {@code 2001:db8::/32}, {@code 192.0.2.7/32}), which is how the registry stores it.
 */
public record Cidr(IpAddress network, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > network.bits()) {
            throw new IllegalArgumentException("prefix length out of range: /" + prefixLength);
        }
        if (hostBits(network, prefixLength)) {
            throw new IllegalArgumentException("host bits set in " + network + "/" + prefixLength);
        }
    }

    /** A single address as a /32 or /128. */
    public static Cidr host(IpAddress address) {
        return new Cidr(address, address.bits());
    }

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/LENGTH}. Refuses host bits outside the prefix
     * (192.0.2.7/24) rather than guessing, and names the network that was probably meant.
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        IpAddress address = IpAddress.parseOrNull(addressPart);
        if (address == null || addressPart.indexOf('%') >= 0) {
            throw new IllegalArgumentException("not an IP address or CIDR: " + Text.quote(text));
        }
        boolean writtenAsV6 = addressPart.indexOf(':') >= 0;
        int length;
        if (slash < 0) {
            length = address.bits();
        } else {
            length = parseLength(s.substring(slash + 1), text, writtenAsV6 ? 128 : 32);
            if (writtenAsV6 && !address.v6()) {
                if (length < 96) {
                    throw new IllegalArgumentException("IPv4-mapped network " + Text.quote(text) + " is wider than the mapped range");
                }
                length -= 96;
            }
        }
        if (hostBits(address, length)) {
            Cidr meant = new Cidr(mask(address, length), length);
            throw new IllegalArgumentException(Text.quote(text) + " has host bits set; did you mean " + meant + "?");
        }
        return new Cidr(address, length);
    }

    private static int parseLength(String digits, String text, int max) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad prefix length in " + Text.quote(text));
        }
        int length = Integer.parseInt(digits);
        if (length > max) {
            throw new IllegalArgumentException("prefix length /" + length + " too long in " + Text.quote(text));
        }
        return length;
    }

    public boolean v6() {
        return network.v6();
    }

    /** The first address of the network. */
    public IpAddress first() {
        return network;
    }

    /** The last address of the network. */
    public IpAddress last() {
        int hostBits = network.bits() - prefixLength;
        if (!network.v6()) {
            long ones = hostBits == 0 ? 0 : (hostBits == 32 ? 0xffffffffL : (1L << hostBits) - 1);
            return new IpAddress(false, 0, network.lo() | ones);
        }
        long hiOnes = hostBits <= 64 ? 0 : (hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1);
        long loOnes = hostBits >= 64 ? -1L : (hostBits == 0 ? 0 : (1L << hostBits) - 1);
        return new IpAddress(true, network.hi() | hiOnes, network.lo() | loOnes);
    }

    public boolean contains(IpAddress address) {
        return address.v6() == network.v6() && mask(address, prefixLength).equals(network);
    }

    public boolean contains(Cidr other) {
        return other.v6() == v6() && other.prefixLength >= prefixLength && contains(other.network);
    }

    /** Two CIDRs overlap exactly when one contains the other. */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    /** Canonical text, always with the prefix length. */
    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }

    /** Text for people: a single host without its /32 or /128. */
    public String toDisplayString() {
        return prefixLength == network.bits() ? network.toString() : toString();
    }

    static IpAddress mask(IpAddress address, int length) {
        if (!address.v6()) {
            long m = length == 0 ? 0 : (0xffffffffL << (32 - length)) & 0xffffffffL;
            return new IpAddress(false, 0, address.lo() & m);
        }
        long hiMask = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
        long loMask = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
        return new IpAddress(true, address.hi() & hiMask, address.lo() & loMask);
    }

    private static boolean hostBits(IpAddress address, int length) {
        return !mask(address, length).equals(address);
    }
}
