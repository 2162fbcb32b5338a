package org.relaygate.delivery;

import java.util.List;

/**
 * Where a recipient domain's mail goes: hosts to try in order, or a failure found without
 * connecting (no such domain, a null MX, a DNS outage). Recipients whose domains have equal hops
 * share one transaction.
 */
record Hop(List<Target> targets, RecipientResult failure) {

    /** One host to connect to; {@code lookup} when {@code host} is a name to resolve through our DNS client. */
    record Target(String host, int port, boolean lookup) {
        /** As logged: {@code host:port}, or {@code [v6]:port}. */
        String label() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    Hop {
        targets = List.copyOf(targets);
    }

    static Hop to(List<Target> targets) {
        return new Hop(targets, null);
    }

    static Hop failed(Outcome outcome, String text) {
        return new Hop(List.of(), new RecipientResult(outcome, text, ""));
    }
}
