package org.relaygate.delivery;

import io.vertx.core.Future;

/** Finds the hop for a recipient domain, and the address to connect to for one of its targets. */
interface Router {

    /** Never fails: a routing failure is a failed {@link Hop}. */
    Future<Hop> route(String domain);

    /** The address to connect to (an IP, or a name the system resolver handles); fails when the name does not resolve. */
    Future<String> address(Hop.Target target);
}
