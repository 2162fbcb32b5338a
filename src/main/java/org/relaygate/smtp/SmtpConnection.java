package org.relaygate.smtp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.relaygate.config.SmtpSettings;
import org.relaygate.spool.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection: moves bytes between the socket and the {@link SmtpSession}, and nothing else.
 *
 * <p>Input goes one of four ways. Commands go through a {@link RecordParser} split on "\n" and capped
 * at {@code smtp.max-command-line}; when a command changes the mode (DATA, STARTTLS, QUIT) the parser
 * is paused and dropped, and the bytes it had not framed yet are worked out by counting (everything
 * framed so far came from the current read): after DATA they are the start of the message; after
 * STARTTLS they are plaintext a man in the middle may have added, and are thrown away with the
 * parser (CVE-2011-0411). DATA bytes go raw to the {@link DataDecoder}. While the spool stores a
 * message, input is held (bounded) and replayed afterwards, so replies leave in command order
 * (PIPELINING). Replies are collected and written once per read.
 */
final class SmtpConnection {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    /** Pipelined input held while the spool works: far more than any honest client sends. */
    private static final int MAX_HELD = 64 * 1024;

    private enum Input { COMMANDS, DATA, DISCARD_LINE, STORING, TLS_HANDSHAKE, CLOSED }

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
    private RecordParser parser;
    private Buffer current;
    private long fed;
    private long framed;
    private DataDecoder decoder;
    private Buffer message;
    private Buffer held;
    private boolean heldOverflow;
    private long lastRead = System.nanoTime();
    private long dataTimer = -1;

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
    }

    /** Greets and starts reading; {@code onClose} runs once when the connection is gone. */
    void start(Runnable onClose) {
        socket.closeHandler(v -> {
            input = Input.CLOSED;
            onClose.run();
        });
        socket.exceptionHandler(e -> log.debug("client {}: {}", client, e.toString()));
        socket.handler(this::onRead);
        newParser();
        reply(session.greeting());
        flush();
        armIdleTimer(settings.idleTimeout().toMillis());
    }

    private void onRead(Buffer bytes) {
        lastRead = System.nanoTime();
        process(bytes);
        flush();
    }

    private void process(Buffer bytes) {
        switch (input) {
            case COMMANDS -> {
                current = bytes;
                fed += bytes.length();
                parser.handle(bytes);
            }
            case DATA -> feedData(bytes);
            case DISCARD_LINE -> {
                int newline = indexOf(bytes, (byte) '\n');
                if (newline >= 0) {
                    resumeCommands(bytes.getBuffer(newline + 1, bytes.length()));
                }
            }
            case STORING -> hold(bytes);
            default -> { } // closed, or plaintext read before the TLS handler was in place: dropped
        }
    }

    private void newParser() {
        RecordParser p = RecordParser.newDelimited("\n");
        // One byte more than a line may hold, for the "\r" of its CRLF.
        p.maxRecordSize(settings.maxCommandLine() + 1);
        p.handler(line -> {
            if (p == parser) {
                onLine(line);
            }
        });
        p.exceptionHandler(e -> {
            if (p == parser) {
                onLineTooLong();
            }
        });
        parser = p;
        fed = 0;
        framed = 0;
    }

    private void onLine(Buffer line) {
        framed += line.length() + 1;
        int length = line.length();
        if (length > 0 && line.getByte(length - 1) == '\r') {
            length--;
        }
        // ISO-8859-1: one char per byte, so a non-ASCII byte reaches the address checks and is refused there.
        SmtpReply r = length > settings.maxCommandLine() ? session.lineTooLong()
                : session.onLine(line.getString(0, length, StandardCharsets.ISO_8859_1.name()));
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

    /** RecordParser's maxRecordSize: the unfinished line is already too long. Answer now, skip to its end. */
    private void onLineTooLong() {
        reply(session.lineTooLong());
        parser = null;
        input = Input.DISCARD_LINE;
    }

    /** Stops the command parser; returns the bytes of the current read it had not framed. */
    private Buffer detachParser() {
        parser.pause();
        parser = null;
        int unframed = (int) Math.min(current.length(), Math.max(0, fed - framed));
        return current.getBuffer(current.length() - unframed, current.length());
    }

    private void startData() {
        Buffer rest = detachParser();
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
            vertx.cancelTimer(dataTimer);
            dataTimer = -1;
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
        stored.onComplete(result -> context.runOnContext(v -> afterStore(accepted, m.length(), result)));
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
        detachParser(); // CVE-2011-0411: plaintext pipelined behind STARTTLS goes with the parser
        input = Input.TLS_HANDSHAKE;
        flush();
        socket.upgradeToSsl(tls, Buffer.buffer(ready.render())).onComplete(result -> {
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
        });
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
        flush();
    }

    private void resumeCommands(Buffer rest) {
        input = Input.COMMANDS;
        newParser();
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
        if (parser != null) {
            parser.pause();
            parser = null;
        }
        flush();
        socket.close();
    }

    /** One timer per connection, re-armed for the time left instead of reset on every read. */
    private void armIdleTimer(long delayMillis) {
        vertx.setTimer(Math.max(1, delayMillis), id -> {
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
            if (dataTimer >= 0) {
                vertx.cancelTimer(dataTimer);
            }
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

    private static int indexOf(Buffer bytes, byte b) {
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.getByte(i) == b) {
                return i;
            }
        }
        return -1;
    }
}
