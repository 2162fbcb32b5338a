package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.relaygate.importing.ImportLineException;
import org.relaygate.policy.Cidr;

class ImportConflictsTest {

    private final ImportConflicts c = new ImportConflicts();

    private void imported(int line, String cidr) {
        c.add(ImportConflicts.Span.of(Cidr.parse(cidr), ImportConflicts.Kind.IMPORTED, line));
    }

    private void revoked(int line, String cidr) {
        c.add(ImportConflicts.Span.of(Cidr.parse(cidr), ImportConflicts.Kind.IMPORTED_REVOKED, line));
    }

    /** As the database holds it: computed columns from NetworkRange. */
    private void row(ImportConflicts.Kind kind, long registration, String cidr) {
        NetworkRange r = NetworkRange.of(Cidr.parse(cidr));
        c.add(ImportConflicts.Span.ofRow(r.family(), r.start(), r.end(), kind, registration, Cidr.parse(cidr).toString()));
    }

    private String first() {
        ImportLineException e = c.firstConflict();
        return e == null ? null : e.getMessage();
    }

    @Test
    void disjointNetworksOfBothFamiliesPass() {
        row(ImportConflicts.Kind.INSTITUTION, 0, "192.0.2.0/24");
        row(ImportConflicts.Kind.INSTITUTION, 0, "2001:db8::/32");
        row(ImportConflicts.Kind.POOL, 0, "192.0.2.128/25");
        row(ImportConflicts.Kind.REGISTERED, 5, "192.0.2.16/29");
        imported(2, "192.0.2.7");
        imported(3, "192.0.2.24/29");
        imported(4, "2001:db8::1");
        imported(5, "2001:db8::2");
        assertNull(first());
    }

    @Test
    void anOverlapInsideTheFileNamesTheLaterLine() {
        imported(9, "192.0.2.7");
        imported(3, "192.0.2.0/28");
        assertEquals("line 9: 192.0.2.7 overlaps 192.0.2.0/28 on line 3", first());
    }

    @Test
    void theSameNetworkTwice() {
        imported(2, "2001:db8::/64");
        imported(4, "2001:db8::/64");
        assertEquals("line 4: 2001:db8::/64 is also on line 2", first());
    }

    @Test
    void existingRegistrationsAndPoolsInEitherOrder() {
        row(ImportConflicts.Kind.REGISTERED, 17, "192.0.2.7");
        row(ImportConflicts.Kind.POOL, 0, "198.51.100.0/24");
        imported(8, "198.51.100.128/25");
        imported(6, "192.0.2.0/24");
        assertEquals("line 6: 192.0.2.0/24 is already registered: registration 17 has 192.0.2.7", first());
    }

    @Test
    void aPoolInsideAnImportedNetwork() {
        row(ImportConflicts.Kind.POOL, 0, "198.51.100.64/26");
        imported(4, "198.51.100.0/24");
        assertEquals("line 4: 198.51.100.0/24 overlaps dynamic pool 198.51.100.64/26 (DHCP addresses cannot be registered)", first());
    }

    @Test
    void outsideTheInstitutionNetworksOnlyWhenAnyIsListed() {
        imported(2, "203.0.113.7");
        assertNull(first());
        row(ImportConflicts.Kind.INSTITUTION, 0, "192.0.2.0/24");
        row(ImportConflicts.Kind.INSTITUTION, 0, "192.0.2.0/28");
        imported(3, "192.0.2.16/28");
        assertEquals("line 2: 203.0.113.7 is outside the institution networks (see: relaygate networks list)", first());
    }

    @Test
    void aNetworkEqualToAnInstitutionNetworkIsInside() {
        row(ImportConflicts.Kind.INSTITUTION, 0, "192.0.2.0/24");
        imported(2, "192.0.2.0/24");
        assertNull(first());
    }

    @Test
    void revokedRowsMayOverlapButNotPools() {
        row(ImportConflicts.Kind.REGISTERED, 3, "192.0.2.7");
        imported(2, "192.0.2.8");
        revoked(4, "192.0.2.0/29");
        assertNull(first(), "a revoked registration owns nothing");
        row(ImportConflicts.Kind.POOL, 0, "192.0.2.4/30");
        assertEquals("line 4: 192.0.2.0/29 overlaps dynamic pool 192.0.2.4/30 (DHCP addresses cannot be registered)", first());
    }

    @Test
    void aWideRevokedRowDoesNotHideALaterConflict() {
        revoked(2, "10.0.0.0/16");
        row(ImportConflicts.Kind.REGISTERED, 8, "10.0.1.0/24");
        imported(5, "10.0.1.7");
        assertEquals("line 5: 10.0.1.7 is already registered: registration 8 has 10.0.1.0/24", first());
    }

    @Test
    void theEarliestLineWins() {
        imported(10, "192.0.2.1");
        imported(11, "192.0.2.1");
        imported(20, "10.0.0.1");
        imported(3, "10.0.0.0/30");
        assertEquals("line 11: 192.0.2.1 is also on line 10", first());
    }
}
