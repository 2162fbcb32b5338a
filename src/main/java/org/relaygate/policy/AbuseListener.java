package org.relaygate.policy;

/**
 * Told when a registration goes far past its limits, so the shell can suspend it in the registry
 * (as the system) and tell the postmaster. The engine calls it ONCE per such episode, on the thread
 * that asked for the decision (an event loop): it must return at once and must not throw; start the
 * work (a Future) and return. Until the suspension reaches the snapshot, the engine keeps answering
 * DEFER for that registration.
 */
@FunctionalInterface
public interface AbuseListener {

    /** Ignores every report (limits still apply; nothing is suspended). */
    AbuseListener NONE = (registrationId, why) -> { };

    /** {@code why} is one line, fit for the registration's status_reason. */
    void onAutoSuspend(long registrationId, String why);
}
