package org.relaygate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.relaygate.policy.Action;
import org.relaygate.policy.Reason;
import org.relaygate.policy.Snapshot;

class MetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Gauges with fixed values. */
    record FixedGauges(ServiceGauges.State state, int policyConnections, int smtpConnections, Snapshot snapshot,
                       ServiceGauges.RegistryStatus registry, ServiceGauges.QueueStatus queue,
                       List<ServiceGauges.Listener> listeners) implements ServiceGauges {
    }

    static FixedGauges gauges(ServiceGauges.State state, ServiceGauges.RegistryStatus registry, ServiceGauges.QueueStatus queue) {
        return new FixedGauges(state, 3, -1, Snapshot.empty(), registry, queue,
                List.of(new ServiceGauges.Listener("policy", "127.0.0.1:10040")));
    }

    @Test
    void everyActionAndReasonPairIsThereFromTheStartAtZero() {
        Exposition e = Exposition.parse(new Metrics().render(null, NOW));
        assertEquals("counter", e.types().get("relaygate_policy_decisions_total"));
        long series = e.samples().keySet().stream().filter(s -> s.startsWith("relaygate_policy_decisions_total{")).count();
        assertEquals(Action.values().length * Reason.values().length, series);
        assertEquals(0, e.value("relaygate_policy_decisions_total{action=\"REJECT\",reason=\"not-registered\"}"));
        for (DeliveryResult r : DeliveryResult.values()) {
            assertEquals(0, e.value("relaygate_deliveries_total{result=\"" + r.key() + "\"}"));
        }
    }

    @Test
    void decisionsCountPerPairAndLatenciesFillCumulativeBuckets() {
        Metrics m = new Metrics();
        m.decision(Action.OK, Reason.REGISTERED, micros(10));      // <= 25us
        m.decision(Action.OK, Reason.REGISTERED, micros(25));      // exactly on a bound: in it
        m.decision(Action.REJECT, Reason.NOT_REGISTERED, micros(300)); // <= 500us
        m.decision(Action.REJECT, Reason.BLOCKED, TimeUnit.SECONDS.toNanos(3)); // past 1 s: +Inf only
        m.decision(Action.DEFER, Reason.RATE_LIMITED);              // relay: counted, not timed
        m.delivery(DeliveryResult.DELIVERED);
        m.delivery(DeliveryResult.DELIVERED);
        m.delivery(DeliveryResult.EXPIRED);

        Exposition e = Exposition.parse(m.render(null, NOW));
        assertEquals(2, e.value("relaygate_policy_decisions_total{action=\"OK\",reason=\"registered\"}"));
        assertEquals(1, e.value("relaygate_policy_decisions_total{action=\"REJECT\",reason=\"not-registered\"}"));
        assertEquals(1, e.value("relaygate_policy_decisions_total{action=\"REJECT\",reason=\"blocked\"}"));
        assertEquals(1, e.value("relaygate_policy_decisions_total{action=\"DEFER\",reason=\"rate-limited\"}"));
        assertEquals(0, e.value("relaygate_policy_decisions_total{action=\"OK\",reason=\"pending\"}"));

        String h = "relaygate_policy_request_duration_seconds";
        assertEquals("histogram", e.types().get(h));
        assertEquals(2, e.value(h + "_bucket{le=\"0.000025\"}"));
        assertEquals(2, e.value(h + "_bucket{le=\"0.00025\"}"));
        assertEquals(3, e.value(h + "_bucket{le=\"0.0005\"}"));
        assertEquals(3, e.value(h + "_bucket{le=\"1\"}"));
        assertEquals(4, e.value(h + "_bucket{le=\"+Inf\"}"));
        assertEquals(4, e.value(h + "_count"));
        assertEquals(3.000335, e.value(h + "_sum"), 1e-9);
        double previous = 0;
        int buckets = 0;
        for (var s : e.samples().entrySet()) {
            if (s.getKey().startsWith(h + "_bucket")) {
                assertTrue(s.getValue() >= previous, "cumulative: " + s.getKey());
                previous = s.getValue();
                buckets++;
            }
        }
        assertEquals(Metrics.LATENCY_BUCKETS_SECONDS.length + 1, buckets);

        assertEquals(2, e.value("relaygate_deliveries_total{result=\"delivered\"}"));
        assertEquals(1, e.value("relaygate_deliveries_total{result=\"expired\"}"));
        assertEquals(0, e.value("relaygate_deliveries_total{result=\"bounced\"}"));
    }

    @Test
    void gaugesAreReadAtRenderTimeAndAnOffListenerHasNoSeries() {
        ServiceGauges.RegistryStatus registry = new ServiceGauges.RegistryStatus(NOW.minusMillis(1500), null, 2);
        ServiceGauges.QueueStatus queue = new ServiceGauges.QueueStatus(7, NOW.minusSeconds(90));
        Exposition e = Exposition.parse(new Metrics().render(gauges(ServiceGauges.State.READY, registry, queue), NOW));
        assertEquals(1, e.value("relaygate_up"));
        assertEquals(1, e.value("relaygate_ready"));
        assertEquals(3, e.value("relaygate_policy_connections"));
        assertFalse(e.samples().containsKey("relaygate_smtp_connections"), "relay off: no series");
        assertEquals(-1, e.value("relaygate_registry_revision"));
        assertEquals(0, e.value("relaygate_registry_entries{kind=\"live\"}"));
        assertEquals(0, e.value("relaygate_registry_entries{kind=\"block\"}"));
        assertEquals(1.5, e.value("relaygate_snapshot_age_seconds"));
        assertEquals(2, e.value("relaygate_registry_read_failures_total"));
        assertEquals(7, e.value("relaygate_relay_queue_messages"));
        assertEquals(90, e.value("relaygate_relay_queue_oldest_seconds"));

        Exposition empty = Exposition.parse(new Metrics().render(gauges(ServiceGauges.State.STOPPING, registry,
                new ServiceGauges.QueueStatus(0, null)), NOW));
        assertEquals(0, empty.value("relaygate_ready"));
        assertEquals(0, empty.value("relaygate_relay_queue_oldest_seconds"));
    }

    @Test
    void labelValuesAndHelpTextsAreEscaped() {
        String text = new PrometheusText().family("x_total", "counter", "a \\ b\nc \"d\"")
                .sample("x_total", 1, "path", "C:\\dir \"q\"\nnext").toString();
        assertEquals("# HELP x_total a \\\\ b\\nc \"d\"\n"
                + "# TYPE x_total counter\n"
                + "x_total{path=\"C:\\\\dir \\\"q\\\"\\nnext\"} 1\n", text);
    }

    @Test
    void numbersArePlainDecimals() {
        assertEquals("0.000025", PrometheusText.number(0.000025));
        assertEquals("1", PrometheusText.number(1.0));
        assertEquals("1.5", PrometheusText.number(1.5));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
    }

    private static long micros(long us) {
        return TimeUnit.MICROSECONDS.toNanos(us);
    }
}
