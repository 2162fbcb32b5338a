package org.relaygate.web;

import io.vertx.core.Vertx;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.metrics.Metrics;
import org.relaygate.metrics.ServiceGauges;
import org.relaygate.policy.SnapshotSource;
import org.relaygate.registry.Registry;

/** What the web routes work on: the one registry, the live snapshot, the counters and the service's gauges. */
public record WebContext(Vertx vertx, RelaygateConfig config, Registry registry, SnapshotSource snapshots,
                         Metrics metrics, ServiceGauges gauges) {
}
