package org.relaygate.registry;

import java.util.Set;
import org.relaygate.policy.RegistrationStatus;

/** Which status changes are allowed; a refusal names the registration's current status. */
final class StatusRules {

    private StatusRules() {
    }

    static void checkApprove(long id, RegistrationStatus current) {
        require(id, current, Set.of(RegistrationStatus.PENDING, RegistrationStatus.SUSPENDED), "approved");
    }

    static void checkSuspend(long id, RegistrationStatus current) {
        require(id, current, Set.of(RegistrationStatus.PENDING, RegistrationStatus.ACTIVE), "suspended");
    }

    static void checkRevoke(long id, RegistrationStatus current) {
        if (current == RegistrationStatus.REVOKED) {
            throw new RegistryException("registration " + id + " is already REVOKED");
        }
    }

    private static void require(long id, RegistrationStatus current, Set<RegistrationStatus> allowed, String verb) {
        if (!allowed.contains(current)) {
            String from = allowed.stream().map(Enum::name).sorted().reduce((a, b) -> a + " or " + b).orElse("");
            throw new RegistryException("registration " + id + " is " + current + "; only " + from + " registrations can be " + verb);
        }
    }
}
