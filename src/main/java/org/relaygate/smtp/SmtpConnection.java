package org.relaygate.smtp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import java.util.concurrent.TimeUnit;
import org.relaygate.config.SmtpSettings;
import org.relaygate.spool.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection: moves bytes between the socket and the {@link SmtpSession}, and nothing else.
 *
 * <p>Commands go through {@link CommandFraming}. When a command ends command mode the framing stops
 * and hands back what it had not framed: after DATA that is the start of the message, which goes
 * raw to the {@link DataDecoder}; after STARTTLS it is plaintext a man in the middle may have added,
 * and is dropped (CVE-2011-0411). While the spool stores a message, input is held (bounded) and
 * replayed afterwards, so replies leave in command order (PIPELINING). Replies are collected and
 * written once per read.
 */
final class SmtpConnection implements CommandFraming.Listener {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    /** Pipelined input held while the spool works: far more than any honest client sends. */
    private static final int MAX_HELD = 64 * 1024;

    private enum Input { COMMANDS, DATA, STORING, TLS_HANDSHAKE, CLOSED }

    private final Vertx vertx;
    private final NetSocket socket;
    private final SmtpSession session;
    private final SmtpSettings settings;
    private final MessageSink sink;
    private final ServerSSLOptions tls;
    private final Context context;
    private final String client;
    private final StringBuilder replies = new StringBuilder(256);

    private Input input = Input.COMMANDS;
    private final CommandFraming framing;
    private DataDecoder decoder;
    private Buffer message;
    private Buffer held;
    private boolean heldOverflow;
    private long lastRead = System.nanoTime();
    private long dataTimer = -1;
    private long idleTimer = -1;

    SmtpConnection(Vertx vertx, NetSocket socket, SmtpSession session, SmtpSettings settings, MessageSink sink,
                   ServerSSLOptions tls, String client) {
        this.vertx = vertx;
        this.socket = socket;
        this.session = session;
        this.settings = settings;
        this.sink = sink;
        this.tls = tls;
        this.client = client;
        this.context = vertx.getOrCreateContext();
        this.framing = new CommandFraming(settings.maxCommandLine(), this);
    }

    /** Greets and starts reading; {@code onClose} runs once when the connection is gone. */
    void start(Runnable onClose) {
        socket.closeHandler(v -> {
            input = Input.CLOSED;
            cancelTimers();
            onClose.run();
        });
        socket.exceptionHandler(e -> log.debug("client {}: {}", client, e.toString()));
        socket.handler(this::onRead);
        reply(session.greeting());
        flush();
        armIdleTimer(settings.idleTimeout().toMillis());
    }

    private void onRead(Buffer bytes) {
        lastRead = System.nanoTime();
        safely(() -> process(bytes));
    }

    /** Every entry from Vert.x goes through here: a bug of ours gives the peer a 421, never a hang or a stack trace. */
    private void safely(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.error("client={} internal error; closing the connection", client, e);
            replies.setLength(0);
            reply(SmtpReplies.internalError(settings.hostname()));
            closeAfterReplies();
            return;
        }
        flush();
    }

    private void process(Buffer bytes) {
        switch (input) {
            case COMMANDS -> framing.handle(bytes);
            case DATA -> feedData(bytes);
            case STORING -> hold(bytes);
            default -> { } // closed, or plaintext read before the TLS handler was in place: dropped
        }
    }

    @Override
    public void onLine(String line) {
        if (input == Input.COMMANDS) {
            afterCommand(session.onLine(line));
        }
    }

    @Override
    public void onLineTooLong() {
        if (input == Input.COMMANDS) {
            afterCommand(session.lineTooLong());
        }
    }

    private void afterCommand(SmtpReply r) {
        switch (session.mode()) {
            case START_TLS -> startTls(r); // the 220 goes out with the upgrade, not with the other replies
            case DATA -> {
                reply(r);
                startData();
            }
            case CLOSED -> {
                reply(r);
                closeAfterReplies();
            }
            default -> {
                if (r != null) {
                    reply(r);
                }
            }
        }
    }

    private void startData() {
        Buffer rest = framing.stop();
        Buffer m = Buffer.buffer(8192);
        message = m;
        decoder = session.openMessage(m::appendBytes);
        input = Input.DATA;
        dataTimer = vertx.setTimer(Math.max(1, settings.dataTimeout().toMillis()), id -> {
            dataTimer = -1;
            log.info("client={} refused=data-timeout after {}", client, settings.dataTimeout());
            timeout();
        });
        if (rest.length() > 0) {
            feedData(rest);
        }
    }

    private void feedData(Buffer bytes) {
        byte[] array = bytes.getBytes();
        int used = decoder.feed(array, 0, array.length);
        if (decoder.finished()) {
            cancelDataTimer();
            endOfData(bytes.getBuffer(used, bytes.length()));
        }
    }

    private void endOfData(Buffer rest) {
        SmtpSession.DataEnd end = session.endOfData(decoder);
        Buffer m = message;
        decoder = null;
        message = null;
        if (end instanceof SmtpSession.Refused refused) {
            reply(refused.reply());
            resumeCommands(rest);
            return;
        }
        SmtpSession.Accepted accepted = (SmtpSession.Accepted) end;
        input = Input.STORING;
        held = rest;
        Future<String> stored;
        try {
            stored = sink.store(accepted.envelope(), m);
        } catch (RuntimeException e) {
            stored = Future.failedFuture(e);
        }
        // Back on this connection's event loop, whatever thread completes the spool's future.
        stored.onComplete(result -> context.runOnContext(v -> safely(() -> afterStore(accepted, m.length(), result))));
    }

    private void afterStore(SmtpSession.Accepted accepted, int size, AsyncResult<String> result) {
        String id = result.succeeded() ? result.result() : null;
        if (input == Input.CLOSED) {
            if (id != null) {
                log.warn("client={} queued as {} but left before the 250; it may send the message again", client, id);
            }
            return;
        }
        if (id != null && !id.isEmpty()) {
            reply(session.queued(id));
            SmtpLog.accepted(accepted.envelope(), id, size, accepted.instance());
        } else {
            reply(session.notQueued());
            SmtpLog.notQueued(accepted.envelope(), result.cause());
        }
        resumeHeld();
    }

    /**
     * Vert.x writes the 220 itself, right before it puts the TLS handler in place, so the client cannot
     * start its handshake too early; reading stays paused meanwhile, and what was read in between is
     * plaintext sent before the 220: it reaches us before the upgrade completes and is dropped.
     */
    private void startTls(SmtpReply ready) {
        framing.stop(); // CVE-2011-0411: plaintext pipelined behind STARTTLS is dropped with the parser
        input = Input.TLS_HANDSHAKE;
        flush();
        socket.upgradeToSsl(tls, Buffer.buffer(ready.render())).onComplete(result -> safely(() -> {
            if (input == Input.CLOSED) {
                return;
            }
            if (result.failed()) {
                log.info("client={} refused=tls-handshake {}", client, result.cause().toString());
                input = Input.CLOSED;
                socket.close();
                return;
            }
            session.tlsStarted();
            resumeCommands(null);
        }));
    }

    /** Input that arrived while the spool worked: bounded, then replayed in order. */
    private void hold(Buffer bytes) {
        if (held.length() + bytes.length() > MAX_HELD) {
            heldOverflow = true;
        } else {
            held.appendBuffer(bytes);
        }
    }

    private void resumeHeld() {
        Buffer rest = held;
        held = null;
        if (heldOverflow) {
            reply(SmtpReplies.tooMuchPipelining(settings.hostname()));
            closeAfterReplies();
            return;
        }
        resumeCommands(rest);
    }

    private void resumeCommands(Buffer rest) {
        input = Input.COMMANDS;
        framing.restart();
        if (rest != null && rest.length() > 0) {
            process(rest);
        }
    }

    private void timeout() {
        if (input == Input.CLOSED) {
            return;
        }
        reply(session.timeout());
        closeAfterReplies();
    }

    private void closeAfterReplies() {
        input = Input.CLOSED;
        framing.stop();
        flush();
        socket.close();
    }

    private void cancelDataTimer() {
        if (dataTimer >= 0) {
            vertx.cancelTimer(dataTimer);
            dataTimer = -1;
        }
    }

    private void cancelTimers() {
        cancelDataTimer();
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    /** One timer per connection, re-armed for the time left instead of reset on every read. */
    private void armIdleTimer(long delayMillis) {
        idleTimer = vertx.setTimer(Math.max(1, delayMillis), id -> {
            idleTimer = -1;
            if (input == Input.CLOSED) {
                return;
            }
            long idle = settings.idleTimeout().toNanos();
            long quiet = System.nanoTime() - lastRead;
            if (input == Input.STORING || quiet < idle) {
                armIdleTimer(TimeUnit.NANOSECONDS.toMillis(input == Input.STORING ? idle : idle - quiet) + 1);
                return;
            }
            log.info("client={} refused=idle-timeout after {}", client, settings.idleTimeout());
            cancelDataTimer();
            timeout();
        });
    }

    private void reply(SmtpReply reply) {
        replies.append(reply.render());
    }

    private void flush() {
        if (replies.isEmpty()) {
            return;
        }
        socket.write(Buffer.buffer(replies.toString()));
        replies.setLength(0);
        if (socket.writeQueueFull() && input != Input.CLOSED) {
            // A client that pipelines without reading would make us buffer replies without end.
            log.info("client={} refused=not-reading-replies", client);
            input = Input.CLOSED;
            socket.close();
        }
    }

}
