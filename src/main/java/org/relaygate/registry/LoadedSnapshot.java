package org.relaygate.registry;

import org.relaygate.policy.Snapshot;

/**
 * A snapshot and what the watcher needs to bring it up to date: every audit_log row up to
 * {@code auditMark} is in it (rows above may be too: applying one twice is harmless), and whether
 * this load was a full one.
 */
record LoadedSnapshot(Snapshot snapshot, long auditMark, boolean full) {
}
