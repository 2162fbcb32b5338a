package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BoundedSessionStoreTest {

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void newSessionsBeyondTheCeilingAreNotStoredButStoredOnesStillChange(Vertx vertx) throws Exception {
        LocalSessionStore local = LocalSessionStore.create(vertx, "bounded-test");
        BoundedSessionStore store = new BoundedSessionStore(local, 2);
        try {
            Session a = store.createSession(60_000);
            Session b = store.createSession(60_000);
            await(store.put(a));
            await(store.put(b));
            Session c = store.createSession(60_000);
            ExecutionException full = assertThrows(ExecutionException.class, () -> await(store.put(c)));
            assertTrue(full.getCause().getMessage().contains("session store full"));
            assertEquals(2, await(store.size()));

            a.put("k", "v");
            await(store.put(a));
            assertEquals("v", await(store.get(a.id())).get("k"));

            await(store.delete(b.id()));
            await(store.put(c));
            assertEquals(2, await(store.size()));
        } finally {
            store.close();
        }
    }
}
