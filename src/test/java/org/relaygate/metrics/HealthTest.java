package org.relaygate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final ServiceGauges.RegistryStatus FINE = new ServiceGauges.RegistryStatus(NOW.minusMillis(200), null, 0);

    @Test
    void readyIs200WithRevisionAgeAndListeners() {
        Health h = Health.of(MetricsTest.gauges(ServiceGauges.State.READY, FINE, null), NOW);
        assertEquals(200, h.httpStatus());
        assertEquals("ready", h.body().get("status"));
        assertEquals(-1L, h.body().get("revision"));
        assertEquals(0.2, h.body().get("snapshot_age_seconds"));
        assertEquals("ok", h.body().get("registry"));
        assertEquals(Map.of("policy", "127.0.0.1:10040"), h.body().get("listeners"));
    }

    @Test
    void startingAndStoppingAre503() {
        assertEquals(503, Health.of(MetricsTest.gauges(ServiceGauges.State.STARTING, FINE, null), NOW).httpStatus());
        Health stopping = Health.of(MetricsTest.gauges(ServiceGauges.State.STOPPING, FINE, null), NOW);
        assertEquals(503, stopping.httpStatus());
        assertEquals("stopping", stopping.body().get("status"));
    }

    @Test
    void anUnreadableRegistryWithASnapshotLoadedStaysReadyAndSaysSo() {
        ServiceGauges.RegistryStatus failing = new ServiceGauges.RegistryStatus(NOW.minusSeconds(30), NOW.minusSeconds(29), 58);
        Health h = Health.of(MetricsTest.gauges(ServiceGauges.State.READY, failing, null), NOW);
        assertEquals(200, h.httpStatus());
        String registry = (String) h.body().get("registry");
        assertTrue(registry.startsWith("unreadable since 2026-12-01T11:59:31Z"), registry);
        assertEquals(30.0, h.body().get("snapshot_age_seconds"));
    }
}
