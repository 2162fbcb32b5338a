package org.relaygate;

import java.util.ArrayList;
import java.util.List;
import org.relaygate.config.HostPort;
import org.relaygate.delivery.RelayQueue;
import org.relaygate.metrics.ServiceGauges;
import org.relaygate.policy.Snapshot;
import org.relaygate.policyd.PolicyServer;
import org.relaygate.registry.SnapshotWatcher;
import org.relaygate.smtp.SmtpServer;
import org.relaygate.web.WebServer;

/** The running service's gauges, read at scrape time from fields its parts already keep (volatile reads, no I/O). */
final class LiveGauges implements ServiceGauges {

    private final RelaygateService service;

    LiveGauges(RelaygateService service) {
        this.service = service;
    }

    @Override
    public State state() {
        return service.state();
    }

    @Override
    public int policyConnections() {
        PolicyServer server = service.policyServer();
        return server == null ? -1 : server.openConnections();
    }

    @Override
    public int smtpConnections() {
        SmtpServer server = service.smtpServer();
        return server == null ? -1 : server.openConnections();
    }

    @Override
    public Snapshot snapshot() {
        return service.watcher().current();
    }

    @Override
    public RegistryStatus registry() {
        SnapshotWatcher watcher = service.watcher();
        return new RegistryStatus(watcher.lastRead(), watcher.failingSince(), watcher.readFailures());
    }

    @Override
    public QueueStatus queue() {
        RelayQueue queue = service.queue();
        return queue == null ? null : new QueueStatus(queue.queuedMessages(), queue.oldestArrival());
    }

    @Override
    public List<Listener> listeners() {
        List<Listener> out = new ArrayList<>(3);
        PolicyServer policy = service.policyServer();
        if (policy != null) {
            add(out, "policy", service.config().policyListen(), policy.actualPort());
        }
        SmtpServer smtp = service.smtpServer();
        if (smtp != null) {
            add(out, "smtp", service.config().smtp().listen(), smtp.actualPort());
        }
        WebServer web = service.webServer();
        if (web != null) {
            add(out, "http", service.config().http().listen(), web.actualPort());
        }
        return out;
    }

    /** Only a bound listener (port > 0); a server still binding or closed has none. */
    private static void add(List<Listener> out, String name, HostPort configured, int port) {
        if (port > 0) {
            out.add(new Listener(name, new HostPort(configured.host(), port).toString()));
        }
    }
}
