package org.relaygate.policy;

/** Where the request path reads the current snapshot from; a plain volatile read, never I/O. */
@FunctionalInterface
public interface SnapshotSource {
    Snapshot current();
}
