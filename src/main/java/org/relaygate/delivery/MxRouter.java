package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.dns.MxRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.relaygate.config.HostPort;

/**
 * Direct delivery: each domain to its MX hosts on port 25, found with Vert.x's DNS client (the
 * servers of {@code delivery.dns-servers}, tried in order, else the system resolver's first; each
 * query bounded by {@code delivery.connect-timeout}). A
 * domain that does not exist (NXDOMAIN) or takes no mail (null MX) bounces; a DNS failure is
 * temporary.
 */
final class MxRouter implements Router {

    static final int SMTP_PORT = 25;

    private final List<DnsClient> clients = new ArrayList<>();
    private final int port;
    private final Random random = new Random();

    MxRouter(Vertx vertx, List<HostPort> servers, long queryTimeoutMillis) {
        this(vertx, servers, queryTimeoutMillis, SMTP_PORT);
    }

    /** With another SMTP port than 25: tests only, which cannot bind port 25. */
    MxRouter(Vertx vertx, List<HostPort> servers, long queryTimeoutMillis, int port) {
        this.port = port;
        if (servers.isEmpty()) {
            clients.add(vertx.createDnsClient(new DnsClientOptions().setQueryTimeout(queryTimeoutMillis)));
        }
        for (HostPort s : servers) {
            clients.add(vertx.createDnsClient(new DnsClientOptions().setHost(s.host()).setPort(s.port())
                    .setQueryTimeout(queryTimeoutMillis)));
        }
    }

    @Override
    public Future<Hop> route(String domain) {
        if (MxOrder.isLiteral(domain)) {
            try {
                return Future.succeededFuture(Hop.to(List.of(new Hop.Target(MxOrder.literal(domain), port, false))));
            } catch (IllegalArgumentException e) {
                return Future.succeededFuture(Hop.failed(Outcome.PERM, "5.1.2 bad address literal " + domain));
            }
        }
        return ask(c -> c.resolveMX(domain), 0).map(records -> hop(domain, records)).recover(e -> {
            if (e instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN) {
                return Future.succeededFuture(Hop.failed(Outcome.PERM,
                        "5.1.2 host or domain name not found: " + domain + " (DNS NXDOMAIN)"));
            }
            return Future.succeededFuture(Hop.failed(Outcome.TEMP,
                    "4.4.3 DNS lookup of the MX of " + domain + " failed: " + e.getMessage()));
        });
    }

    private Hop hop(String domain, List<MxRecord> records) {
        List<MxOrder.Mx> mx = records.stream().map(r -> new MxOrder.Mx(r.priority(), r.name())).toList();
        List<String> hosts = MxOrder.hosts(domain, mx, random);
        if (hosts.isEmpty()) {
            return Hop.failed(Outcome.PERM, "5.1.10 " + domain + " accepts no mail (null MX)");
        }
        return Hop.to(hosts.stream().map(h -> new Hop.Target(h, port, true)).toList());
    }

    @Override
    public Future<String> address(Hop.Target target) {
        if (!target.lookup()) {
            return Future.succeededFuture(target.host());
        }
        return ask(c -> c.lookup(target.host()), 0).compose(ip -> ip == null
                ? Future.failedFuture("no address for " + target.host())
                : Future.succeededFuture(ip));
    }

    /** Asks the servers in order until one answers; NXDOMAIN is an answer, not a failure to try again. */
    private <T> Future<T> ask(Function<DnsClient, Future<T>> query, int i) {
        return query.apply(clients.get(i)).recover(e -> {
            boolean answer = e instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN;
            return answer || i + 1 >= clients.size() ? Future.failedFuture(e) : ask(query, i + 1);
        });
    }

    Future<Void> close() {
        return Future.all(clients.stream().map(DnsClient::close).toList()).mapEmpty();
    }
}
