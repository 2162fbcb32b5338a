package org.relaygate.registry;

/** Who made a change and through what: source is cli, sql, web or system. Recorded in the audit log. */
public record Actor(String name, String source) {
}
