package org.relaygate.metrics;

import java.time.Instant;
import java.util.List;
import org.relaygate.policy.Snapshot;

/**
 * What the running service reports at scrape time (read on demand, never pushed): its state, open
 * connections, the snapshot in use, how reading the registry goes, the relay queue and the bound
 * listeners. Every method is a cheap read of fields already kept: no I/O, no scan of the spool.
 */
public interface ServiceGauges {

    /** The service's life: /health answers 200 only when READY. */
    enum State {
        /** Loading the first snapshot or binding the listeners. */
        STARTING,
        /** The first snapshot is loaded and every configured listener is bound. */
        READY,
        /** stop() has begun: listeners are closing. */
        STOPPING;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the snapshot watcher fares. {@code lastRead} is null before the first load; {@code failingSince} null while reads succeed. */
    record RegistryStatus(Instant lastRead, Instant failingSince, long readFailures) {
    }

    /** The relay queue: messages in the spool and when the oldest arrived (null when empty). */
    record QueueStatus(int messages, Instant oldestArrival) {
    }

    /** A bound listener: {@code policy}, {@code smtp} or {@code http}, and its HOST:PORT. */
    record Listener(String name, String address) {
    }

    State state();

    /** Ready: the first snapshot is loaded and every configured listener is bound, and not stopping. */
    default boolean ready() {
        return state() == State.READY;
    }

    /** Open policy connections; -1 when the policy server is off. */
    int policyConnections();

    /** Open SMTP connections; -1 when the relay is off. */
    int smtpConnections();

    /** The snapshot answering now (revision, entries). */
    Snapshot snapshot();

    RegistryStatus registry();

    /** Null when the relay is off. */
    QueueStatus queue();

    /** The listeners bound so far, in start order. */
    List<Listener> listeners();
}
