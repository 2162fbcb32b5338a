package org.relaygate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.spool.QueueAdmin;

/**
 * Direct delivery through MX records, against an in-process DNS server on loopback. The only
 * difference from production is the SMTP port of the MX hosts (the sink's, since tests cannot bind 25).
 */
@ExtendWith(VertxExtension.class)
class MxDeliveryTest extends RelayQueueTestBase {

    private TinyDns dns;

    @AfterEach
    void stopDns() throws Exception {
        if (dns != null) {
            await(dns.stop());
        }
    }

    private void startWithDns(Vertx vertx) throws Exception {
        dns = await(new TinyDns(vertx)
                .mx("example.test", "20 mx2.example.test.", "10 mx1.example.test.")
                .a("mx1.example.test", "127.0.0.2") // nobody listens there: the next MX is tried
                .a("mx2.example.test", "127.0.0.1")
                .a("nomx.test", "127.0.0.1")
                .mx("nullmx.test", "0 .")
                .start());
        Map<String, String> flags = new HashMap<>();
        flags.put("delivery.next-hop", "");
        flags.put("delivery.dns-servers", "127.0.0.1:" + dns.port());
        RelaygateConfig config = config(flags);
        MxRouter router = new MxRouter(vertx, List.of(new HostPort("127.0.0.1", dns.port())), 2000, sink.port());
        queue = await(RelayQueue.start(vertx, config, Clock.systemUTC(), router));
    }

    @Test
    void deliversToTheBestReachableMxAndToTheDomainWithoutMx(Vertx vertx) throws Exception {
        startWithDns(vertx);
        store("dev@example.org", List.of("a@example.test", "b@nomx.test", "c@[127.0.0.1]"), "Subject: mx\r\n\r\nbody\r\n");
        awaitCondition("three deliveries", () -> sink.transactions.size() == 3);
        assertEquals(List.of(List.of("a@example.test"), List.of("b@nomx.test"), List.of("c@[127.0.0.1]")),
                sink.transactions.stream().map(SmtpSink.Transaction::recipients).sorted((x, y) -> x.get(0).compareTo(y.get(0))).toList());
        assertTrue(sink.transactions.stream().allMatch(t -> t.text().equals("Subject: mx\r\n\r\nbody\r\n")),
                "each transaction carries the whole message");
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }

    @Test
    void aDomainThatDoesNotExistOrTakesNoMailBounces(Vertx vertx) throws Exception {
        startWithDns(vertx);
        store("dev@example.test", List.of("x@nowhere.test", "y@nullmx.test"), "Subject: mx\r\n\r\nbody\r\n");
        awaitCondition("the DSN", () -> sink.transactions.size() == 1);
        String dsn = sink.transactions.get(0).text();
        assertTrue(dsn.contains("Final-Recipient: rfc822; x@nowhere.test\r\nAction: failed\r\nStatus: 5.1.2\r\n"
                + "Diagnostic-Code: X-Relaygate; 5.1.2 host or domain name not found: nowhere.test (DNS NXDOMAIN)\r\n"), dsn);
        assertTrue(dsn.contains("Final-Recipient: rfc822; y@nullmx.test\r\nAction: failed\r\nStatus: 5.1.10\r\n"), dsn);
        awaitCondition("removal", () -> new QueueAdmin(spoolDir).list().isEmpty());
    }
}
