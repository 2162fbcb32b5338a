package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.web.PostmasterAuth.Outcome;

/** The login check with its cache and limiter: what is cached, and what the cache never gets past. */
@ExtendWith(VertxExtension.class)
class PostmasterAuthTest {

    private static final String PASSWORD = "correct horse battery";
    private static final PasswordHash HASH = PasswordHash.parse(PasswordHash.hash(PASSWORD, PasswordHash.MIN_ITERATIONS, new byte[16]));

    /** A login pool as WebServer makes one (each test's Vertx is its own, so is the pool). */
    private static WorkerExecutor hashing(Vertx vertx) {
        return vertx.createSharedWorkerExecutor("test-login", 2);
    }

    @Test
    void theHashIsCheckedOnTheGivenPoolAndNotOnceItIsClosed(Vertx vertx) throws Exception {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 8, Clock.systemUTC(), new byte[32]);
        WorkerExecutor pool = hashing(vertx);
        PostmasterAuth auth = new PostmasterAuth(pool, HASH, new LoginLimiter(10, Duration.ofMinutes(15), 100, Clock.systemUTC()), cache);
        assertEquals(Outcome.OK, await(auth.check("192.0.2.1", "bot", PASSWORD)));
        await(pool.close());
        assertEquals(Outcome.OK, await(auth.check("192.0.2.1", "bot", PASSWORD)), "remembered: no hashing needed");
        assertThrows(Exception.class, () -> await(auth.check("192.0.2.1", "eve", "guess")),
                "a check that needs hashing runs on the given pool, closed now");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void onlyRightPasswordsAreCachedAndALimitedClientIsRefusedAnyway(Vertx vertx) throws Exception {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 8, Clock.systemUTC(), new byte[32]);
        LoginLimiter limiter = new LoginLimiter(2, Duration.ofMinutes(15), 100, Clock.systemUTC());
        PostmasterAuth auth = new PostmasterAuth(hashing(vertx), HASH, limiter, cache);

        assertEquals(Outcome.OK, await(auth.check("192.0.2.1", "bot", PASSWORD)));
        assertEquals(1, cache.size());
        assertEquals(Outcome.OK, await(auth.check("192.0.2.1", "bot", PASSWORD)), "from the cache");
        assertEquals(Outcome.WRONG, await(auth.check("192.0.2.1", "bot", "guess")));
        assertEquals(Outcome.WRONG, await(auth.check("192.0.2.1", "bot", "guess")), "a wrong password is checked again");
        assertEquals(Outcome.WRONG, await(auth.check("192.0.2.2", "bot", null)));
        assertEquals(1, cache.size(), "failures are never cached");
        assertEquals(Outcome.LIMITED, await(auth.check("192.0.2.1", "bot", PASSWORD)),
                "two failures: refused even with cached credentials");
        assertEquals(Outcome.OK, await(auth.check("192.0.2.3", "bot", PASSWORD)), "another client is not limited");
    }

    @Test
    void parallelGuessesCannotAllPassTheLimitBeforeTheFirstVerdict(Vertx vertx) throws Exception {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 8, Clock.systemUTC(), new byte[32]);
        LoginLimiter limiter = new LoginLimiter(2, Duration.ofMinutes(15), 100, Clock.systemUTC());
        PostmasterAuth auth = new PostmasterAuth(hashing(vertx), HASH, limiter, cache);

        // all sent before any PBKDF2 verdict is back, as a client with many connections would
        List<Future<Outcome>> guesses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            guesses.add(auth.check("192.0.2.1", "eve", "guess" + i));
        }
        int wrong = 0;
        for (Future<Outcome> guess : guesses) {
            wrong += await(guess) == Outcome.WRONG ? 1 : 0;
        }
        assertEquals(2, wrong, "only as many passwords tried as the limit allows");

        assertEquals(Outcome.OK, await(auth.check("192.0.2.2", "bot", PASSWORD)));
        assertEquals(Duration.ZERO, limiter.retryAfter("192.0.2.2"));
        assertEquals(1, limiter.trackedClients(), "a right password is not counted as a failure");
    }

    @Test
    void anIpv6ClientIsLimitedByItsSlash64(Vertx vertx) throws Exception {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 8, Clock.systemUTC(), new byte[32]);
        LoginLimiter limiter = new LoginLimiter(2, Duration.ofMinutes(15), 100, Clock.systemUTC());
        PostmasterAuth auth = new PostmasterAuth(hashing(vertx), HASH, limiter, cache);
        assertEquals(Outcome.WRONG, await(auth.check("2001:db8:1:2::1", "eve", "guess1")));
        assertEquals(Outcome.WRONG, await(auth.check("2001:db8:1:2::2", "eve", "guess2")));
        assertEquals(Outcome.LIMITED, await(auth.check("2001:db8:1:2:abcd::9", "eve", "guess3")), "the next address of the /64");
        assertEquals(Outcome.WRONG, await(auth.check("2001:db8:1:3::1", "eve", "guess4")), "another /64");
    }

    @Test
    void withoutAHashNobodyLogsIn(Vertx vertx) throws Exception {
        CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 8, Clock.systemUTC(), new byte[32]);
        PostmasterAuth auth = new PostmasterAuth(hashing(vertx), null, LoginLimiter.standard(), cache);
        assertEquals(Outcome.DISABLED, await(auth.check("192.0.2.1", "bot", PASSWORD)));
    }
}
