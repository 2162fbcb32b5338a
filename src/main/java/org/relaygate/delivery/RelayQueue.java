package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.spool.MessageSink;

/**
 * The spool and its delivery, running inside {@code serve}: opens the spool (taking its lock),
 * recovers what a previous run left, attempts everything pending at once, then delivers new
 * messages, retries and bounces.
 *
 * <p>API STUB: being implemented.
 */
public final class RelayQueue {

    public static Future<RelayQueue> start(Vertx vertx, RelaygateConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Where the SMTP server stores accepted messages. */
    public MessageSink sink() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops delivering (in-flight transactions are abandoned; their messages stay queued) and releases the spool. */
    public Future<Void> stop() {
        throw new UnsupportedOperationException("not yet");
    }
}
