package org.relaygate.spool;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.relaygate.smtp.Envelope;

/**
 * Where the SMTP server hands an accepted message. The future completes with the queue id only once
 * the message is durably on disk (written, forced, renamed into the queue): only then may the
 * server answer 250 to DATA. A failed future means 451: the client keeps the message.
 */
@FunctionalInterface
public interface MessageSink {
    Future<String> store(Envelope envelope, Buffer message);
}
