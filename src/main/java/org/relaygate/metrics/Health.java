package org.relaygate.metrics;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code GET /health}: 200 when the service is ready, else 503, with a body saying
 * why. A registry that cannot be read while a snapshot is loaded does not make the service unready:
 * the policy server keeps answering from the last good snapshot (fail safe, never OK for an address
 * it does not know), so the body says so ({@code "registry": "unreadable since ..."}) and the
 * status stays 200; alert on it with relaygate_snapshot_age_seconds.
 *
 * @param body JSON-ready values: strings, numbers and nested maps, in a stable order
 */
public record Health(int httpStatus, Map<String, Object> body) {

    public static Health of(ServiceGauges gauges, Instant now) {
        ServiceGauges.State state = gauges.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", state.key());
        ServiceGauges.RegistryStatus registry = gauges.registry();
        if (registry.lastRead() != null) {
            body.put("revision", gauges.snapshot().revision());
            body.put("snapshot_age_seconds", Metrics.seconds(registry.lastRead(), now));
        }
        body.put("registry", registry.failingSince() == null ? "ok" : "unreadable since " + registry.failingSince()
                + " (answering from snapshot revision " + gauges.snapshot().revision() + ")");
        Map<String, Object> listeners = new LinkedHashMap<>();
        for (ServiceGauges.Listener l : gauges.listeners()) {
            listeners.put(l.name(), l.address());
        }
        body.put("listeners", listeners);
        return new Health(state == ServiceGauges.State.READY ? 200 : 503, body);
    }
}
