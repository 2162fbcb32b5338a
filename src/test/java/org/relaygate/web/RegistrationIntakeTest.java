package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.registry.Registry;
import org.relaygate.web.RegistrationIntake.Invalid;
import org.relaygate.web.RegistrationIntake.Limited;
import org.relaygate.web.RegistrationIntake.Outcome;
import org.relaygate.web.RegistrationIntake.Stored;
import org.relaygate.web.RegistrationIntake.Unavailable;

/** The intake on a real registry (H2 file): what counts toward the limit, and trouble that is not the submitter's. */
@ExtendWith(VertxExtension.class)
class RegistrationIntakeTest {

    @TempDir
    Path dir;

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static RegistrationForm form(String addresses) {
        return new RegistrationForm("Physics", "physics-it@example.edu", addresses, "Copier", "no SMTP AUTH", "Dr. Head",
                LocalDate.now().toString(), true);
    }

    private Registry open(Vertx vertx) throws Exception {
        return await(Registry.open(vertx, RelaygateConfig.load(null, Map.of(), Map.of("db", dir.toString()))));
    }

    @Test
    void onlyValidFormsCountAndTheAddressRefusalIsTheSubmittersToFix(Vertx vertx) throws Exception {
        Registry registry = open(vertx);
        try {
            RegistrationIntake intake = new RegistrationIntake(registry, 2, Clock.systemDefaultZone());
            for (int i = 0; i < 5; i++) {
                assertInstanceOf(Invalid.class, await(intake.submit(form("10.0.0.0/8"), "192.0.2.1")), "typos cost nothing");
            }
            assertInstanceOf(Stored.class, await(intake.submit(form("198.51.100.1"), "192.0.2.1")));
            Outcome taken = await(intake.submit(form("198.51.100.1"), "192.0.2.1"));
            assertEquals("addresses", ((Invalid) taken).errors().keySet().iterator().next(), taken.toString());
            assertEquals(new Limited(2), await(intake.submit(form("198.51.100.2"), "192.0.2.1")),
                    "a form refused by the database checks has counted: it reached the database");
            assertInstanceOf(Stored.class, await(intake.submit(form("198.51.100.2"), "192.0.2.2")), "per client");
            assertInstanceOf(Stored.class, await(intake.submit(form("198.51.100.3"), "2001:db8:1:2::1")));
            assertInstanceOf(Stored.class, await(intake.submit(form("198.51.100.4"), "2001:db8:1:2::2")));
            assertEquals(new Limited(2), await(intake.submit(form("198.51.100.5"), "2001:db8:1:2:ffff::3")),
                    "an IPv6 client is counted by its /64: it has all of it to send from");
            assertInstanceOf(Stored.class, await(intake.submit(form("198.51.100.5"), "2001:db8:1:3::1")), "another /64");
        } finally {
            await(registry.close());
        }
    }

    @Test
    void aRegistryFailureIsUnavailableNotTheSubmittersError(Vertx vertx) throws Exception {
        Registry registry = open(vertx);
        RegistrationIntake intake = new RegistrationIntake(registry, 5, Clock.systemDefaultZone());
        await(registry.close());
        assertEquals(new Unavailable(), await(intake.submit(form("198.51.100.1"), "192.0.2.1")));
    }
}
