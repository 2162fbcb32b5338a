package org.relaygate.web;

import io.vertx.core.Future;
import org.relaygate.registry.Actor;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import org.relaygate.registry.RegistryException;

/**
 * A postmaster's change of one registration's status, the same for the pages and the API: which
 * registry call an action's name stands for, and the reason rules. Each side keeps its own input
 * (a form, a JSON body) and answer (a redirect with a notice, JSON); a refusal fails the future
 * with the registry's one-line message, which {@link Refusals} turns into a status.
 */
enum StatusAction {
    /** The reason is not passed on (the pages log it as a note). */
    APPROVE,
    /** The registry requires a reason. */
    SUSPEND,
    /** The registry takes an empty reason (the CLI's rule); the pages ask for one, as for a suspension. */
    REVOKE;

    /** The action a path names ({@code approve}, {@code suspend}, {@code revoke}), or null. */
    static StatusAction named(String name) {
        return switch (name == null ? "" : name) {
            case "approve" -> APPROVE;
            case "suspend" -> SUSPEND;
            case "revoke" -> REVOKE;
            default -> null;
        };
    }

    /**
     * Runs the change as {@code actor}. {@code revocationNeedsReason}: the pages' rule (a revocation
     * without a reason is refused before the registry sees it); the API keeps the registry's.
     */
    Future<Registration> run(Registry registry, long id, String reason, Actor actor, boolean revocationNeedsReason) {
        return switch (this) {
            case APPROVE -> registry.approve(id, actor);
            case SUSPEND -> registry.suspend(id, reason, actor);
            case REVOKE -> revocationNeedsReason && (reason == null || reason.isBlank())
                    ? Future.failedFuture(new RegistryException("revocation reason is required"))
                    : registry.revoke(id, reason, actor);
        };
    }
}
