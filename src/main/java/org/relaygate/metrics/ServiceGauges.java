package org.relaygate.metrics;

/**
 * Contract stub (issue 7): what the running service reports at scrape time (open connections, the
 * registry's revision and size, the snapshot's age, the relay queue) and whether it is ready.
 */
public interface ServiceGauges {

    /** Ready: the first snapshot is loaded and every configured listener is bound. */
    boolean ready();
}
