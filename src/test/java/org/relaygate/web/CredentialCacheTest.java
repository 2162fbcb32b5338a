package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.TestClock;

class CredentialCacheTest {

    private final TestClock clock = new TestClock(Instant.parse("2025-03-14T10:00:00Z"));
    private final CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 3, clock, new byte[32]);

    @Test
    void aVerifiedPairIsKnownUntilItExpires() {
        assertFalse(cache.verified("alice", "secret"), "nothing before a verification");
        cache.remember("alice", "secret");
        assertTrue(cache.verified("alice", "secret"), "the second call's fast path");
        clock.advance(Duration.ofMinutes(4));
        assertTrue(cache.verified("alice", "secret"));
        clock.advance(Duration.ofMinutes(1));
        assertFalse(cache.verified("alice", "secret"), "5 minutes after the verification, not after the last use");
        assertEquals(0, cache.size(), "an expired entry is dropped when seen");
    }

    @Test
    void onlyTheExactPairMatches() {
        cache.remember("alice", "secret");
        assertFalse(cache.verified("alice", "Secret"));
        assertFalse(cache.verified("alice", "secret "));
        assertFalse(cache.verified("bob", "secret"), "each name pays once: it is the audit actor");
        assertFalse(cache.verified("alice:secret", ""));
        cache.remember("a", "b:c");
        assertFalse(cache.verified("a:b", "c"), "a colon in the name does not shift the boundary");
    }

    @Test
    void atMostMaxEntriesTheOldestDroppedFirst() {
        cache.remember("a", "1");
        clock.advance(Duration.ofSeconds(1));
        cache.remember("b", "2");
        cache.remember("c", "3");
        cache.remember("a", "1"); // verified again: now the newest
        cache.remember("d", "4");
        assertEquals(3, cache.size());
        assertFalse(cache.verified("b", "2"), "the oldest went");
        assertTrue(cache.verified("a", "1") && cache.verified("c", "3") && cache.verified("d", "4"));
    }
}
