package org.relaygate.policy;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable attribute map kept as the UTF-8 bytes the attributes arrived in, each name and value
 * decoded only when asked for. A Postfix request carries some 35 attributes and the engine reads five:
 * decoding and hashing all of them (two Strings and a map node each, then {@link Map#copyOf}) was most
 * of the policy server's allocation per request.
 *
 * <p>Built by the protocol codec, which has already checked the names are distinct: this class trusts
 * its spans. {@code hashes[i]} is {@link String#hashCode()} of name i, so a lookup compares bytes only
 * when the hashes agree. A name containing non-ASCII bytes is kept decoded in {@code names[i]} (such a
 * name never equals an ASCII one, and two of them are equal when their decoded forms are).
 */
public final class PackedAttributes extends AbstractMap<String, String> {

    private final byte[] bytes;
    /** Per attribute: name start, '=' position (name end), value end. */
    private final int[] spans;
    private final int[] hashes;
    /** Decoded names of non-ASCII names; null entries for ASCII ones (null array when there are none). */
    private final String[] names;
    private final int count;
    /** Values decoded so far (a benign race: Strings are immutable and decoding is repeatable). */
    private final String[] values;

    private PackedAttributes(byte[] bytes, int[] spans, int[] hashes, String[] names, int count) {
        this.bytes = bytes;
        this.spans = spans;
        this.hashes = hashes;
        this.names = names;
        this.count = count;
        this.values = new String[count];
    }

    /**
     * A map of {@code count} attributes over copies of the given arrays: attribute i has its name in
     * {@code bytes[spans[3i], spans[3i+1])} and its value in {@code bytes[spans[3i+1] + 1, spans[3i+2])};
     * {@code names} may be null when every name is ASCII. The caller guarantees distinct names.
     */
    public static PackedAttributes copyOf(byte[] bytes, int length, int[] spans, int[] hashes, String[] names, int count) {
        boolean anyDecoded = false;
        if (names != null) {
            for (int i = 0; i < count && !anyDecoded; i++) {
                anyDecoded = names[i] != null;
            }
        }
        return new PackedAttributes(Arrays.copyOf(bytes, length), Arrays.copyOf(spans, 3 * count),
                Arrays.copyOf(hashes, count), anyDecoded ? Arrays.copyOf(names, count) : null, count);
    }

    /** True when the name in {@code a[from, to)} equals the ASCII-only {@code name}. */
    public static boolean asciiEquals(byte[] a, int from, int to, String name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (a[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public String getOrDefault(Object key, String defaultValue) {
        int i = indexOf(key);
        return i < 0 ? defaultValue : value(i);
    }

    private int indexOf(Object key) {
        if (!(key instanceof String name)) {
            return -1;
        }
        int hash = name.hashCode();
        for (int i = 0; i < count; i++) {
            if (hashes[i] == hash && nameEquals(i, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean nameEquals(int i, String name) {
        if (names != null && names[i] != null) {
            return names[i].equals(name);
        }
        return asciiEquals(bytes, spans[3 * i], spans[3 * i + 1], name);
    }

    private String name(int i) {
        if (names != null && names[i] != null) {
            return names[i];
        }
        int from = spans[3 * i];
        return new String(bytes, from, spans[3 * i + 1] - from, StandardCharsets.ISO_8859_1);
    }

    private String value(int i) {
        String v = values[i];
        if (v == null) {
            int from = spans[3 * i + 1] + 1;
            v = new String(bytes, from, spans[3 * i + 2] - from, StandardCharsets.UTF_8);
            values[i] = v;
        }
        return v;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < count;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= count) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(name(i), value(i));
                    }
                };
            }

            @Override
            public int size() {
                return count;
            }
        };
    }
}
