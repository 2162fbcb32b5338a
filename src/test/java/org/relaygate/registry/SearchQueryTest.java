package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.policy.Cidr;

class SearchQueryTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.7, 192.0.2.7/32",
        "' 192.0.2.0/24 ', 192.0.2.0/24",
        "2001:db8::1, 2001:db8::1/128",
        "2001:db8::/32, 2001:db8::/32",
    })
    void addressesAndNetworksSearchByNetwork(String q, String network) {
        SearchQuery query = SearchQuery.parse(q);
        assertTrue(query.byNetwork());
        assertEquals(Cidr.parse(network), query.network());
        assertNull(query.text());
    }

    @ParameterizedTest
    @CsvSource({
        "Physics, physics",
        "' IT-Support@Example.EDU ', it-support@example.edu",
        "2001, 2001",
        "192.0.2, 192.0.2",
    })
    void otherTextSearchesUnitAndContact(String q, String text) {
        SearchQuery query = SearchQuery.parse(q);
        assertFalse(query.byNetwork());
        assertEquals(text, query.text());
    }

    @Test
    void likeWildcardsAreTakenLiterally() {
        assertEquals("%100\\%\\_a\\\\b%", SearchQuery.parse("100%_a\\b").likePattern());
    }

    @Test
    void emptyOverlongAndBrokenNetworksAreRefused() {
        assertThrows(RegistryException.class, () -> SearchQuery.parse("  "));
        assertThrows(RegistryException.class, () -> SearchQuery.parse(null));
        assertThrows(RegistryException.class, () -> SearchQuery.parse("x".repeat(SearchQuery.MAX_LENGTH + 1)));
        RegistryException e = assertThrows(RegistryException.class, () -> SearchQuery.parse("192.0.2.0/99"));
        assertFalse(e.getMessage().contains("\n"));
    }
}
