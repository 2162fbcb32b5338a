package org.relaygate.metrics;

import org.relaygate.policy.Action;
import org.relaygate.policy.Reason;

/**
 * Contract stub (issue 7): the service's counters (decisions by action and reason, the policy
 * request latency histogram, deliveries by result), recorded without locks on the hot paths and
 * rendered in Prometheus text format with the gauges of {@link ServiceGauges}.
 */
public final class Metrics {

    /** One answered policy request (or relay RCPT), with how long it took from arrival to answer. */
    public void decision(Action action, Reason reason, long latencyNanos) {
    }
}
