package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.relaygate.spool.QueuedMessage;

/**
 * One delivery attempt of one message: its due recipients grouped by domain, each domain routed,
 * recipients with the same hop in one transaction (each transaction waits for a slot of
 * {@code delivery.concurrency}), a hop's hosts tried in order while they fail before MAIL.
 * Returns a result for every due recipient, by index; never fails.
 */
final class MessageDelivery {

    private final Router router;
    private final SmtpClient client;
    private final Limiter transactions;

    MessageDelivery(Router router, SmtpClient client, Limiter transactions) {
        this.router = router;
        this.client = client;
        this.transactions = transactions;
    }

    Future<Map<Integer, RecipientResult>> attempt(QueuedMessage m, List<Integer> due, byte[] message) {
        Map<Integer, RecipientResult> results = new HashMap<>();
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        for (int i : due) {
            String rcpt = m.recipients().get(i).address();
            int at = rcpt.lastIndexOf('@');
            if (at < 0 || at == rcpt.length() - 1) {
                results.put(i, new RecipientResult(Outcome.PERM, "5.1.3 no domain in the address", ""));
            } else {
                byDomain.computeIfAbsent(rcpt.substring(at + 1).toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(i);
            }
        }
        List<String> domains = new ArrayList<>(byDomain.keySet());
        List<Future<Hop>> hops = domains.stream().map(router::route).toList();
        return Future.join(hops).transform(ignored -> {
            Map<Hop, List<Integer>> byHop = new LinkedHashMap<>();
            for (int d = 0; d < domains.size(); d++) {
                Hop hop = hops.get(d).succeeded() ? hops.get(d).result()
                        : Hop.failed(Outcome.TEMP, "4.4.3 routing failed: " + hops.get(d).cause().getMessage());
                byHop.computeIfAbsent(hop, h -> new ArrayList<>()).addAll(byDomain.get(domains.get(d)));
            }
            return send(m, message, byHop, results);
        });
    }

    private Future<Map<Integer, RecipientResult>> send(QueuedMessage m, byte[] message, Map<Hop, List<Integer>> byHop,
                                                        Map<Integer, RecipientResult> results) {
        Buffer data = Buffer.buffer(DataEncoder.encode(message));
        boolean eightBit = DataEncoder.eightBit(message);
        List<Future<Void>> running = new ArrayList<>();
        for (Map.Entry<Hop, List<Integer>> e : byHop.entrySet()) {
            List<Integer> idx = e.getValue();
            if (e.getKey().failure() != null) {
                idx.forEach(i -> results.put(i, e.getKey().failure()));
                continue;
            }
            List<String> rcpts = idx.stream().map(i -> m.recipients().get(i).address()).toList();
            SmtpClient.Mail mail = new SmtpClient.Mail(m.envelope().sender(), rcpts, data, message.length, eightBit);
            running.add(transactions.submit(() -> viaHosts(e.getKey().targets(), 0, mail)).map(r -> {
                for (int k = 0; k < idx.size(); k++) {
                    results.put(idx.get(k), r.get(k));
                }
                return null;
            }));
        }
        return Future.join(running).transform(ignored -> Future.succeededFuture(results));
    }

    /** Tries the hop's hosts in order while the failure leaves another host worth trying. */
    private Future<List<RecipientResult>> viaHosts(List<Hop.Target> targets, int i, SmtpClient.Mail mail) {
        Hop.Target target = targets.get(i);
        boolean last = i + 1 >= targets.size();
        return router.address(target).transform(address -> {
            if (address.failed()) {
                RecipientResult failed = new RecipientResult(Outcome.TEMP,
                        "4.4.3 cannot find the address of " + target.host() + ": " + address.cause().getMessage(), "");
                return last ? Future.succeededFuture(mail.recipients().stream().map(r -> failed).toList())
                        : viaHosts(targets, i + 1, mail);
            }
            String relay = target.lookup() ? target.host() + "[" + address.result() + "]:" + target.port() : target.label();
            return client.deliver(address.result(), target.port(), relay, mail)
                    .compose(r -> r.beforeMail() && !last ? viaHosts(targets, i + 1, mail) : Future.succeededFuture(r.results()));
        });
    }
}
