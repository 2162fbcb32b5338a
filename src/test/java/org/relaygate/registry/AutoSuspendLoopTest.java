package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.registry.RegistryTestSupport.CLI;
import static org.relaygate.registry.RegistryTestSupport.await;
import static org.relaygate.registry.RegistryTestSupport.form;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.policy.Action;
import org.relaygate.policy.Decision;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.RateLimiter;
import org.relaygate.policy.Reason;
import org.relaygate.policy.Snapshot;
import org.relaygate.policy.TestClock;

/**
 * The whole loop with a real registry, wired as the service wires it: the engine reports an
 * auto-suspension, the listener suspends as the system, the next snapshot refuses with the
 * suspended text, and after an approval the registration is counted afresh.
 */
@ExtendWith(VertxExtension.class)
class AutoSuspendLoopTest {

    @TempDir
    Path dir;

    private static PolicyRequest rcpt(String instance) {
        return PolicyRequest.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "client_address", "10.50.0.7",
                "instance", instance);
    }

    @Test
    void suspendedBySystemThenReactivatedWithoutBeingSuspendedAgainAtOnce(Vertx vertx) {
        Registry registry = RegistryTestSupport.open(vertx, dir);
        try {
            long id = await(registry.register(form("10.50.0.0/24"), CLI));
            await(registry.approve(id, CLI));
            List<Future<Optional<Registration>>> suspensions = new CopyOnWriteArrayList<>();
            TestClock clock = new TestClock(Instant.parse("2026-02-02T10:00:00Z"));
            RateLimiter limiter = new RateLimiter(new LimitSettings(new Limits(3, 0, 0), Duration.ofHours(1), true, 2), clock,
                    (registration, why) -> suspensions.add(registry.suspendBySystem(registration, why)));
            PolicyEngine engine = new PolicyEngine(DecisionTexts.DEFAULTS, clock, limiter);

            Snapshot active = await(registry.loadSnapshot());
            int ok = 0;
            for (int i = 0; i < 10; i++) {
                ok += engine.decide(rcpt("m" + i), active).permits() ? 1 : 0;
            }
            assertEquals(3, ok);
            assertEquals(1, suspensions.size(), "reported once");
            Registration suspended = await(suspensions.get(0)).orElseThrow();
            assertTrue(suspended.statusReason().startsWith("automatic: 7 messages"), suspended.statusReason());
            AuditEntry audit = await(registry.audit(id, 1)).get(0);
            assertEquals("system", audit.actor());
            assertEquals("system", audit.source());

            Decision refused = engine.decide(rcpt("later"), await(registry.loadSnapshot()));
            assertEquals(Reason.SUSPENDED, refused.reason());
            assertEquals("5.7.1 Relay registration #" + id + " for 10.50.0.7 is suspended: " + suspended.statusReason()
                    + "; contact the postmaster", refused.text());

            await(registry.approve(id, CLI));
            Snapshot reactivated = await(registry.loadSnapshot());
            for (int i = 0; i < 3; i++) {
                assertEquals(Action.OK, engine.decide(rcpt("again" + i), reactivated).action(), "counted afresh");
            }
            assertEquals(Action.DEFER, engine.decide(rcpt("again3"), reactivated).action(), "and limited as before");
            assertEquals(1, suspensions.size());
        } finally {
            await(registry.close());
        }
    }
}
