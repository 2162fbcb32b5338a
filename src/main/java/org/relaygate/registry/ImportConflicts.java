package org.relaygate.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.relaygate.importing.ImportLineException;
import org.relaygate.policy.Cidr;

/**
 * The database checks of {@code register} for a whole import at once, in memory: every imported
 * network inside an institution network (when any is listed), clear of every dynamic pool, and not
 * overlapping a live registration, nor another live network of the same file. One query per
 * network, as {@link RegistrationChecks} does, would be a million round trips; here it is one sort
 * and one sweep.
 *
 * <p>The sweep: spans sorted by start, widest first. Two CIDRs overlap only by nesting, so a span
 * overlaps an earlier one of some kind exactly when it overlaps the earlier span of that kind that
 * reaches furthest; keeping that one span per kind finds every conflicting pair, and a network is
 * inside an institution network exactly when the furthest-reaching earlier one covers its end.
 */
final class ImportConflicts {

    /** Tie order: at an equal range the institution network comes first, so it contains the imported one. */
    enum Kind { INSTITUTION, POOL, REGISTERED, IMPORTED, IMPORTED_REVOKED }

    /** A network as two unsigned 128-bit bounds (IPv4 in lo), what it is, and where it comes from. */
    record Span(int family, long startHi, long startLo, long endHi, long endLo, Kind kind, int line,
                long registrationId, String cidr) {

        static Span of(Cidr cidr, Kind kind, int line) {
            return new Span(cidr.v6() ? 6 : 4, cidr.first().hi(), cidr.first().lo(), cidr.last().hi(), cidr.last().lo(),
                    kind, line, 0, cidr.toString());
        }

        /** From a row's computed columns (fixed-width hex, see {@link NetworkRange}). */
        static Span ofRow(int family, String start, String end, Kind kind, long registrationId, String cidr) {
            return new Span(family, hi(start), lo(start), hi(end), lo(end), kind, 0, registrationId, cidr);
        }

        private static long hi(String hex) {
            return hex.length() <= 16 ? 0 : Long.parseUnsignedLong(hex, 0, hex.length() - 16, 16);
        }

        private static long lo(String hex) {
            return Long.parseUnsignedLong(hex, Math.max(0, hex.length() - 16), hex.length(), 16);
        }

        String display() {
            return Cidr.parse(cidr).toDisplayString();
        }
    }

    private static final Comparator<Span> ORDER = Comparator.comparingInt(Span::family)
            .thenComparing((a, b) -> compare(a.startHi, a.startLo, b.startHi, b.startLo))
            .thenComparing((a, b) -> compare(b.endHi, b.endLo, a.endHi, a.endLo))
            .thenComparing(Span::kind);

    private final List<Span> spans = new ArrayList<>();
    private boolean institutionNetworks;

    void add(Span span) {
        institutionNetworks |= span.kind() == Kind.INSTITUTION;
        spans.add(span);
    }

    /** The conflict on the earliest file line, or null when there is none. Sorts the spans it holds. */
    ImportLineException firstConflict() {
        spans.sort(ORDER);
        Map<Kind, Span> furthest = new EnumMap<>(Kind.class);
        int family = -1;
        ImportLineException first = null;
        for (Span s : spans) {
            if (s.family() != family) {
                furthest.clear();
                family = s.family();
            }
            ImportLineException found = check(s, furthest);
            if (found != null && (first == null || found.line() < first.line())) {
                first = found;
            }
            Span f = furthest.get(s.kind());
            if (f == null || compare(s.endHi(), s.endLo(), f.endHi(), f.endLo()) > 0) {
                furthest.put(s.kind(), s);
            }
        }
        return first;
    }

    private ImportLineException check(Span s, Map<Kind, Span> furthest) {
        ImportLineException found = null;
        switch (s.kind()) {
            case INSTITUTION -> { }
            case POOL -> {
                found = earlier(found, pool(furthest.get(Kind.IMPORTED), s));
                found = earlier(found, pool(furthest.get(Kind.IMPORTED_REVOKED), s));
            }
            case REGISTERED -> found = registered(furthest.get(Kind.IMPORTED), s);
            case IMPORTED -> {
                found = outside(s, furthest.get(Kind.INSTITUTION));
                found = earlier(found, pool(s, furthest.get(Kind.POOL)));
                found = earlier(found, registered(s, furthest.get(Kind.REGISTERED)));
                found = earlier(found, twice(s, furthest.get(Kind.IMPORTED)));
            }
            case IMPORTED_REVOKED -> {
                found = outside(s, furthest.get(Kind.INSTITUTION));
                found = earlier(found, pool(s, furthest.get(Kind.POOL)));
            }
        }
        return found;
    }

    private ImportLineException outside(Span imported, Span institution) {
        if (!institutionNetworks || institution != null && reaches(institution, imported.endHi(), imported.endLo())) {
            return null;
        }
        return new ImportLineException(imported.line(), imported.display()
                + " is outside the institution networks (see: relaygate networks list)");
    }

    private static ImportLineException pool(Span imported, Span pool) {
        if (!overlap(imported, pool)) {
            return null;
        }
        return new ImportLineException(imported.line(), imported.display() + " overlaps dynamic pool " + pool.display()
                + " (DHCP addresses cannot be registered)");
    }

    private static ImportLineException registered(Span imported, Span registered) {
        if (!overlap(imported, registered)) {
            return null;
        }
        return new ImportLineException(imported.line(), imported.display() + " is already registered: registration "
                + registered.registrationId() + " has " + registered.display());
    }

    /** Two live networks of the file: named on the later line. */
    private static ImportLineException twice(Span later, Span earlier) {
        if (!overlap(later, earlier)) {
            return null;
        }
        Span first = earlier.line() <= later.line() ? earlier : later;
        Span second = first == earlier ? later : earlier;
        String relation = first.cidr().equals(second.cidr()) ? " is also on line " : " overlaps " + first.display() + " on line ";
        return new ImportLineException(second.line(), second.display() + relation + first.line());
    }

    /** Whether two spans of one family overlap, given that b sorts before a or a before b (either order). */
    private static boolean overlap(Span a, Span b) {
        if (a == null || b == null) {
            return false;
        }
        return compare(a.startHi(), a.startLo(), b.endHi(), b.endLo()) <= 0
                && compare(b.startHi(), b.startLo(), a.endHi(), a.endLo()) <= 0;
    }

    private static boolean reaches(Span s, long hi, long lo) {
        return compare(s.endHi(), s.endLo(), hi, lo) >= 0;
    }

    private static ImportLineException earlier(ImportLineException a, ImportLineException b) {
        if (a == null) {
            return b;
        }
        return b == null || a.line() <= b.line() ? a : b;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }
}
