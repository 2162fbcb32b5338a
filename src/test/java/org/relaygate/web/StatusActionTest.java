package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registration;
import org.relaygate.registry.RegistryException;

class StatusActionTest {

    @Test
    void pathNamesAreTheThreeActionsAndNothingElse() {
        assertEquals(StatusAction.APPROVE, StatusAction.named("approve"));
        assertEquals(StatusAction.SUSPEND, StatusAction.named("suspend"));
        assertEquals(StatusAction.REVOKE, StatusAction.named("revoke"));
        assertNull(StatusAction.named("Approve"));
        assertNull(StatusAction.named("block"));
        assertNull(StatusAction.named(""));
        assertNull(StatusAction.named(null));
    }

    @Test
    void thePagesRefuseABlankRevocationReasonBeforeTheRegistry() {
        // no registry: the rule must answer on its own
        Future<Registration> done = StatusAction.REVOKE.run(null, 7, "  ", new Actor("alice", "web"), true);
        assertTrue(done.failed());
        assertInstanceOf(RegistryException.class, done.cause());
        assertEquals("revocation reason is required", done.cause().getMessage());
        assertEquals(422, Refusals.status(done.cause().getMessage()));
    }
}
