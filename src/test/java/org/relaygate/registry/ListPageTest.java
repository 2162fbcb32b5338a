package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;
import static org.relaygate.registry.RegistryTestSupport.refusal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;

/** Limited lists (the database stops at the limit) and database failures told apart from refusals. */
@ExtendWith(VertxExtension.class)
class ListPageTest {

    @TempDir
    Path dir;
    private Registry registry;

    @BeforeEach
    void open(Vertx vertx) {
        registry = RegistryTestSupport.open(vertx, dir);
    }

    @AfterEach
    void close() {
        await(registry.close());
    }

    @Test
    void aLimitedListHasItsAddressesAndTheTotal() {
        long a = await(registry.register(form("192.0.2.10", "192.0.2.16/29"), CLI));
        long b = await(registry.register(form("198.51.100.7"), CLI));
        long c = await(registry.register(form("203.0.113.0/28"), CLI));
        await(registry.approve(b, CLI));

        RegistrationList pending = await(registry.list(RegistrationStatus.PENDING, 1));
        assertEquals(List.of(a), pending.registrations().stream().map(Registration::id).toList());
        assertEquals(List.of(Cidr.parse("192.0.2.10"), Cidr.parse("192.0.2.16/29")), pending.registrations().get(0).addresses());
        assertEquals(2, pending.total());
        assertTrue(pending.truncated());
        assertEquals(1, pending.more());

        RegistrationList all = await(registry.list(null, Registry.MAX_PAGE));
        assertEquals(List.of(a, b, c), all.registrations().stream().map(Registration::id).toList());
        assertFalse(all.truncated());

        assertTrue(refusal(registry.list(null, 0)).startsWith("list limit must be 1..5000"));
        assertTrue(refusal(registry.list(null, Registry.MAX_PAGE + 1)).startsWith("list limit must be 1..5000"));
    }

    @Test
    void theQueueIsOldestFirstBeforeTheLimit() {
        long newer = await(registry.register(form("192.0.2.10"), CLI));
        long older = await(registry.register(form("198.51.100.7"), CLI));
        // as an import can leave it: a higher id submitted earlier
        await(registry.sql("UPDATE registrations SET created_at = DATEADD(DAY, -3, created_at) WHERE id = " + older, CLI));
        RegistrationList first = await(registry.pending(1));
        assertEquals(older, first.registrations().get(0).id());
        assertEquals(List.of(Cidr.parse("198.51.100.7")), first.registrations().get(0).addresses());
        assertEquals(2, first.total());
        assertEquals(List.of(older, newer), await(registry.pending(10)).registrations().stream().map(Registration::id).toList());
    }

    @Test
    void aDatabaseFailureIsToldApartFromARefusalAndKeepsItsOneLineMessage() {
        long id = await(registry.register(form("192.0.2.10"), CLI));
        long revoked = await(registry.register(form("198.51.100.7"), CLI));
        await(registry.revoke(revoked, "gone", CLI));
        await(registry.sql("DROP TABLE registration_addresses CASCADE", CLI));
        RuntimeException broken = assertThrows(RuntimeException.class, () -> await(registry.get(id)));
        assertInstanceOf(DatabaseFailure.class, broken);
        // what the CLI prints, as before: H2's message on one line, without the statement
        assertEquals("Table \"REGISTRATION_ADDRESSES\" not found [42102-252]", broken.getMessage());
        assertInstanceOf(DatabaseFailure.class, assertThrows(RuntimeException.class, () -> await(registry.list(null, 10))));

        RuntimeException unknown = assertThrows(RuntimeException.class, () -> await(registry.get(999)));
        assertFalse(unknown instanceof DatabaseFailure, unknown.toString());
        assertEquals("no registration 999", unknown.getMessage());
        RuntimeException wrongStatus = assertThrows(RuntimeException.class, () -> await(registry.approve(revoked, CLI)));
        assertFalse(wrongStatus instanceof DatabaseFailure, wrongStatus.toString());
        assertTrue(wrongStatus.getMessage().startsWith("registration " + revoked + " is REVOKED"), wrongStatus.getMessage());
    }
}
