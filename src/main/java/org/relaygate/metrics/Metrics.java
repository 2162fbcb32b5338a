package org.relaygate.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.relaygate.policy.Action;
import org.relaygate.policy.Reason;
import org.relaygate.policy.Snapshot;

/**
 * The service's counters, recorded on the hot paths without locks or allocation: one
 * {@link LongAdder} per (action, reason) pair in a flat array indexed by the enums' ordinals, a
 * fixed-bucket latency histogram, one adder per delivery result. {@link #render} writes them with
 * the gauges of {@link ServiceGauges} in Prometheus text format 0.0.4. Every series of a counter
 * exists from the start (at 0), so rate() and alerts see a series before its first event.
 */
public final class Metrics {

    /** Bucket bounds in seconds: a policy answer takes tens of microseconds, a stall shows up in the top ones. */
    static final double[] LATENCY_BUCKETS_SECONDS = {
        0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};

    private static final Action[] ACTIONS = Action.values();
    private static final Reason[] REASONS = Reason.values();
    private static final DeliveryResult[] RESULTS = DeliveryResult.values();

    private final LongAdder[] decisions = adders(ACTIONS.length * REASONS.length);
    private final Histogram latency = new Histogram(nanos(LATENCY_BUCKETS_SECONDS));
    private final LongAdder[] deliveries = adders(RESULTS.length);

    /** One answered policy request, with how long it took from its first bytes to the answer written. */
    public void decision(Action action, Reason reason, long latencyNanos) {
        decision(action, reason);
        latency.record(latencyNanos);
    }

    /** One decision without a latency (the relay's RCPT and END-OF-MESSAGE questions). */
    public void decision(Action action, Reason reason) {
        if (action != null && reason != null) {
            decisions[action.ordinal() * REASONS.length + reason.ordinal()].increment();
        }
    }

    /** One recipient's delivery attempt ended so. */
    public void delivery(DeliveryResult result) {
        deliveries[result.ordinal()].increment();
    }

    public long decisions(Action action, Reason reason) {
        return decisions[action.ordinal() * REASONS.length + reason.ordinal()].sum();
    }

    public long deliveries(DeliveryResult result) {
        return deliveries[result.ordinal()].sum();
    }

    /** Every metric, the gauges read now; {@code gauges} may be null (counters only). */
    public String render(ServiceGauges gauges, Instant now) {
        PrometheusText out = new PrometheusText();
        if (gauges != null) {
            out.family("relaygate_up", "gauge", "1 while the process runs (scraped at all)").sample("relaygate_up", 1);
            out.family("relaygate_ready", "gauge", "1 when /health answers ready: snapshot loaded, listeners bound, not stopping")
                    .sample("relaygate_ready", gauges.ready() ? 1 : 0);
        }
        renderDecisions(out);
        renderLatency(out);
        if (gauges != null) {
            connections(out, "relaygate_policy_connections", "Open connections to the policy server", gauges.policyConnections());
            connections(out, "relaygate_smtp_connections", "Open connections to the SMTP relay", gauges.smtpConnections());
            renderRegistry(out, gauges.snapshot(), gauges.registry(), now);
            renderQueue(out, gauges.queue(), now);
        }
        renderDeliveries(out);
        return out.toString();
    }

    public static String contentType() {
        return PrometheusText.CONTENT_TYPE;
    }

    private void renderDecisions(PrometheusText out) {
        String name = "relaygate_policy_decisions_total";
        out.family(name, "counter", "Policy decisions (policy server and relay RCPT/END-OF-MESSAGE) by action and reason");
        for (Action action : ACTIONS) {
            for (Reason reason : REASONS) {
                out.sample(name, decisions(action, reason), "action", action.name(), "reason", reason.key());
            }
        }
    }

    private void renderLatency(PrometheusText out) {
        String name = "relaygate_policy_request_duration_seconds";
        out.family(name, "histogram", "Policy server requests, from their first bytes read to the answer written");
        Histogram.Snapshot h = latency.snapshot();
        for (int i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) {
            out.sample(name + "_bucket", h.cumulative()[i], "le", PrometheusText.number(LATENCY_BUCKETS_SECONDS[i]));
        }
        out.sample(name + "_bucket", h.count(), "le", "+Inf");
        out.sample(name + "_sum", h.sumNanos() / 1e9);
        out.sample(name + "_count", h.count());
    }

    private static void connections(PrometheusText out, String name, String help, int open) {
        if (open >= 0) { // -1: that listener is off, so no series rather than a misleading 0
            out.family(name, "gauge", help).sample(name, open);
        }
    }

    private static void renderRegistry(PrometheusText out, Snapshot snapshot, ServiceGauges.RegistryStatus registry, Instant now) {
        out.family("relaygate_registry_revision", "gauge", "Registry revision of the snapshot answering now")
                .sample("relaygate_registry_revision", snapshot.revision());
        out.family("relaygate_registry_entries", "gauge",
                        "Networks in the snapshot by kind (live and revoked: upper bounds between full reloads)")
                .sample("relaygate_registry_entries", snapshot.liveEntries(), "kind", "live")
                .sample("relaygate_registry_entries", snapshot.revokedEntries(), "kind", "revoked")
                .sample("relaygate_registry_entries", snapshot.blockEntries(), "kind", "block");
        if (registry.lastRead() != null) {
            out.family("relaygate_snapshot_age_seconds", "gauge",
                            "Seconds since the registry was last read successfully (revision checked or snapshot loaded)")
                    .sample("relaygate_snapshot_age_seconds", seconds(registry.lastRead(), now));
        }
        out.family("relaygate_registry_read_failures_total", "counter", "Failed reads of the registry (the last good snapshot stays in use)")
                .sample("relaygate_registry_read_failures_total", registry.readFailures());
    }

    private static void renderQueue(PrometheusText out, ServiceGauges.QueueStatus queue, Instant now) {
        if (queue == null) {
            return; // relay off
        }
        out.family("relaygate_relay_queue_messages", "gauge", "Messages in the relay's spool")
                .sample("relaygate_relay_queue_messages", queue.messages());
        out.family("relaygate_relay_queue_oldest_seconds", "gauge", "Age of the oldest message in the relay's spool (0 when empty)")
                .sample("relaygate_relay_queue_oldest_seconds",
                        queue.oldestArrival() == null ? 0 : seconds(queue.oldestArrival(), now));
    }

    private void renderDeliveries(PrometheusText out) {
        String name = "relaygate_deliveries_total";
        out.family(name, "counter", "Relay delivery attempts by recipient and result");
        for (DeliveryResult result : RESULTS) {
            out.sample(name, deliveries(result), "result", result.key());
        }
    }

    /** Seconds from {@code since} to {@code now}, millisecond precision, never negative (also /health's snapshot age). */
    static double seconds(Instant since, Instant now) {
        return Math.max(0, Duration.between(since, now).toMillis()) / 1000.0;
    }

    private static long[] nanos(double[] seconds) {
        long[] out = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            out[i] = Math.round(seconds[i] * TimeUnit.SECONDS.toNanos(1));
        }
        return out;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }
}
