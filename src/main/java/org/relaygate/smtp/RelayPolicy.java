package org.relaygate.smtp;

import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;

/**
 * The relay's one question to the policy engine, asked with the same attributes Postfix would send,
 * so the relay and the policy server can never disagree. Wired as
 * {@code request -> engine.decide(request, snapshots.current())}.
 */
@FunctionalInterface
public interface RelayPolicy {
    Decision decide(PolicyRequest request);
}
