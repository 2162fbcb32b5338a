package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.List;
import org.relaygate.config.HostPort;
import org.relaygate.smtp.Envelope;
import org.relaygate.spool.MessageSink;

/**
 * A {@link MessageSink} that hands each message straight to one smarthost with {@link SmtpClient}
 * (no spool: the caller keeps the message until this succeeds). Used by the registry's mailer when
 * the relay listener is off. The future succeeds with the smarthost's reply once every recipient
 * was accepted at the end of data; it fails with {@link Rejected} when the smarthost refused for
 * good (5xx), else with a temporary failure to retry.
 */
public final class SmarthostSink implements MessageSink {

    /** The smarthost refused the message for good (5xx): sending it again will not help. */
    public static final class Rejected extends RuntimeException {
        Rejected(String text) {
            super(text, null, false, false);
        }
    }

    private final HostPort smarthost;
    private final NetClient netClient;
    private final SmtpClient client;

    public SmarthostSink(Vertx vertx, HostPort smarthost, String heloName, Duration connectTimeout, Duration commandTimeout) {
        this.smarthost = smarthost;
        this.netClient = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
        // No connection cache (0): notices are few, and this sink is called from more than one context.
        this.client = new SmtpClient(vertx, netClient, heloName, commandTimeout.toMillis(), 0);
    }

    @Override
    public Future<String> store(Envelope envelope, Buffer message) {
        byte[] bytes = message.getBytes();
        SmtpClient.Mail mail = new SmtpClient.Mail(envelope.sender(), envelope.recipients(),
                Buffer.buffer(DataEncoder.encode(bytes)), bytes.length, DataEncoder.eightBit(bytes));
        return client.deliver(smarthost.host(), smarthost.port(), smarthost.toString(), mail).compose(this::outcome);
    }

    /** Accepted only when every recipient was; the first failure otherwise (5xx before 4xx). */
    private Future<String> outcome(SmtpClient.Result result) {
        List<RecipientResult> results = result.results();
        RecipientResult failure = results.stream().filter(r -> r.outcome() == Outcome.PERM).findFirst()
                .orElse(results.stream().filter(r -> r.outcome() != Outcome.OK).findFirst().orElse(null));
        if (failure == null) {
            return Future.succeededFuture(results.isEmpty() ? "" : results.get(0).text());
        }
        String text = smarthost + ": " + failure.text();
        return Future.failedFuture(failure.outcome() == Outcome.PERM ? new Rejected(text) : new IllegalStateException(text));
    }

    public Future<Void> close() {
        return netClient.close();
    }

    @Override
    public String toString() {
        return "smarthost " + smarthost;
    }
}
