package org.relaygate.delivery;

import io.vertx.core.Future;
import java.util.List;
import org.relaygate.config.HostPort;

/** Every domain to the configured smarthost ({@code delivery.next-hop}), by whatever name it is configured. */
final class NextHopRouter implements Router {

    private final Hop hop;

    NextHopRouter(HostPort nextHop) {
        this.hop = Hop.to(List.of(new Hop.Target(nextHop.host(), nextHop.port(), false)));
    }

    @Override
    public Future<Hop> route(String domain) {
        return Future.succeededFuture(hop);
    }

    @Override
    public Future<String> address(Hop.Target target) {
        return Future.succeededFuture(target.host());
    }
}
