package org.relaygate.web;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registry;
import org.relaygate.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a registration submitted over the web, for the public form ({@code POST /register})
 * and its JSON twin ({@code POST /api/registrations}) alike: the per-client hourly limit (one count
 * for both), the registry's rules and the form's own, the audit actor, and which refusals the
 * submitter can fix. The two front ends only read their input into a {@link RegistrationForm} and
 * show the {@link Outcome} in their format.
 */
final class RegistrationIntake {

    private static final Logger log = LoggerFactory.getLogger(RegistrationIntake.class);
    /** Shown when the registry failed for a reason the submitter cannot fix (the real one is logged). */
    static final String UNAVAILABLE = "the registration could not be stored just now; please try again later";

    /** The result of one submission. */
    sealed interface Outcome permits Stored, Invalid, Limited, Unavailable {
    }

    /** Stored as PENDING under this id. */
    record Stored(long id) implements Outcome {
    }

    /** Refused: messages by form input name (RegistrationForm.INPUTS, or GENERAL). */
    record Invalid(Map<String, String> errors) implements Outcome {
    }

    /** The client has used up {@code perHour} submissions in its window. */
    record Limited(int perHour) implements Outcome {
    }

    /** The registry failed for a reason that is not the submitter's; try again later. */
    record Unavailable() implements Outcome {
    }

    private final Registry registry;
    private final SubmissionLimiter limiter;
    private final int perHour;
    private final Clock clock;

    RegistrationIntake(Registry registry, int perHour, Clock clock) {
        this.registry = registry;
        this.perHour = perHour;
        this.clock = clock;
        this.limiter = new SubmissionLimiter(perHour, clock);
    }

    /** The audit actor of a registration submitted from {@code client} (the signer's name is in the row). */
    static Actor actor(String client) {
        return new Actor("web form from " + client, PostmasterAuth.SOURCE);
    }

    LocalDate today() {
        return LocalDate.now(clock);
    }

    int perHour() {
        return perHour;
    }

    /** Whether {@code client} has no submissions left right now: checked before the input is even read. */
    boolean exhausted(String client) {
        if (limiter.exhausted(ClientAddress.limitKey(client))) {
            log.info("client={} web-registration refused=submissions-per-hour limit={}", client, perHour);
            return true;
        }
        return false;
    }

    /**
     * Checks the form and stores it. Only a form that passes every check counts toward the client's
     * hourly limit: only those reach the database, and typos cost a client nothing.
     */
    Future<Outcome> submit(RegistrationForm form, String client) {
        if (exhausted(client)) {
            return Future.succeededFuture(new Limited(perHour));
        }
        Map<String, String> errors = form.errors(registry.formErrors(form.toRegistration()), today());
        if (!errors.isEmpty()) {
            return Future.succeededFuture(new Invalid(errors));
        }
        if (!limiter.tryAcquire(ClientAddress.limitKey(client))) {
            log.info("client={} web-registration refused=submissions-per-hour limit={}", client, perHour);
            return Future.succeededFuture(new Limited(perHour));
        }
        return registry.register(form.toRegistration(), actor(client)).<Outcome>map(id -> {
            log.info("client={} web-registration={} status=PENDING", client, id);
            return new Stored(id);
        }).recover(cause -> Future.succeededFuture(refused(form, client, cause)));
    }

    /** The database checks' refusals name an address; anything else is trouble the submitter cannot fix. */
    private static Outcome refused(RegistrationForm form, String client, Throwable cause) {
        if (cause instanceof RegistryException && !Refusals.unavailable(cause) && form.aboutAddresses(cause.getMessage())) {
            return new Invalid(Map.of("addresses", cause.getMessage()));
        }
        log.warn("client={} web registration not stored: {}", client, cause.toString());
        return new Unavailable();
    }
}
