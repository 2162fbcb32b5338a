package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.RegistrationStatus;

/**
 * The sender's updates must be committed at once: vertx-jdbc-client 5.0.7 leaves a pooled connection
 * with auto-commit off after any withTransaction, so an update outside a transaction stayed invisible
 * to other sessions and was rolled back at shutdown (every notice sent again after a restart).
 */
@ExtendWith(VertxExtension.class)
class OutboxCommitTest {

    @TempDir
    Path dir;

    @Test
    void aSentMarkIsVisibleToAnotherSessionAtOnce(Vertx vertx) throws Exception {
        Registry registry = RegistryTestSupport.open(vertx, dir);
        try {
            long id = await(registry.register(new NewRegistration("Physics", "phys@example.edu", "copier",
                    "no SMTP AUTH", "Dr. Head", LocalDate.of(2026, 1, 5), List.of("192.0.2.7"), null), CLI));
            await(registry.approve(id, CLI)); // a withTransaction on the pool, and a CONFIRMATION row
            List<OutboxEntry> due = await(registry.outbox().due(Instant.now().plusSeconds(1), 10));
            assertEquals(1, due.size(), due::toString);
            OutboxEntry entry = due.get(0);
            assertTrue(await(registry.outbox().claim(entry, Instant.now().plusSeconds(600))));
            assertTrue(await(registry.outbox().sent(entry.id(), Instant.now(), "s", "b", "test")));
            try (Connection other = RegistryTestSupport.plainSql(dir);
                 Statement st = other.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status FROM outbox WHERE id = " + entry.id())) {
                assertTrue(rs.next());
                assertEquals("SENT", rs.getString(1), "another session sees the mark without waiting for a later commit");
            }
            assertEquals(RegistrationStatus.ACTIVE, await(registry.get(id)).status());
        } finally {
            await(registry.close());
        }
    }
}
