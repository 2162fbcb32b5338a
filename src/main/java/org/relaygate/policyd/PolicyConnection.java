package org.relaygate.policyd;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.relaygate.metrics.Metrics;
import org.relaygate.policy.Action;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Postfix connection: the bytes read go to the {@link PolicyCodec}, each complete request
 * is decided at once on the event loop (the engine is pure and the snapshot in memory), and its reply
 * is written before the next line is looked at, so replies leave in request order.
 *
 * <p>Anything we cannot trust (garbled request, over-long line, a client that does not read its
 * replies) closes the connection without a reply: Postfix then applies its {@code default_action}.
 */
final class PolicyConnection {

    private static final Logger log = LoggerFactory.getLogger(PolicyConnection.class);
    /** Replies without text are the same bytes every time; Vert.x writes a slice, so sharing is safe. */
    private static final Buffer OK_REPLY = Buffer.buffer("action=OK\n\n");
    private static final Buffer DUNNO_REPLY = Buffer.buffer("action=DUNNO\n\n");

    private final NetSocket socket;
    private final PolicyCodec codec;
    private final PolicyEngine engine;
    private final SnapshotSource snapshots;
    private final Metrics metrics;
    private boolean closing;
    /** System.nanoTime() of the read that brought the current request's first bytes, and of the latest read. */
    private long requestStart;
    private long readTime;
    /** The bytes of one read, reused: Buffer.getBytes() would allocate a copy per read. */
    private byte[] scratch = new byte[4096];
    private final PolicyCodec.Results results = this::onResult;

    PolicyConnection(NetSocket socket, PolicyCodec codec, PolicyEngine engine, SnapshotSource snapshots, Metrics metrics) {
        this.socket = socket;
        this.codec = codec;
        this.engine = engine;
        this.snapshots = snapshots;
        this.metrics = metrics;
    }

    /** Starts reading; {@code onClose} runs once when the connection is gone, whoever closed it. */
    void start(Runnable onClose) {
        socket.closeHandler(v -> {
            if (!closing && codec.inRequest()) {
                log.debug("policy client {} went away in the middle of a request", socket.remoteAddress());
            }
            closing = true;
            onClose.run();
        });
        socket.exceptionHandler(this::onError);
        // The codec frames the bytes itself (no RecordParser): one copy per read instead of a Buffer
        // and a String per line.
        socket.handler(this::onData);
    }

    private void onData(Buffer data) {
        if (closing) {
            return; // bytes already read after we decided to close
        }
        // One clock read per read, not per request: a read often carries several pipelined requests.
        readTime = System.nanoTime();
        if (!codec.inRequest()) {
            requestStart = readTime;
        }
        int length = data.length();
        if (length > scratch.length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)]; // grows with the reads Netty makes (64 KiB at most)
        }
        data.getBytes(0, length, scratch, 0);
        codec.feed(scratch, 0, length, results);
    }

    private void onResult(PolicyCodec.Result result) {
        if (closing) {
            return;
        }
        if (result instanceof PolicyCodec.Complete complete) {
            answer(complete.request());
        } else if (result instanceof PolicyCodec.Garbled garbled) {
            abort("garbled request: " + garbled.reason());
        }
    }

    private void answer(PolicyRequest request) {
        Decision decision = engine.decide(request, snapshots.current());
        DecisionLog.log(request, decision); // before the write: a client that has the reply finds the line logged
        socket.write(reply(decision));
        metrics.decision(decision.action(), decision.reason(), System.nanoTime() - requestStart);
        requestStart = readTime; // a request that follows in the same read arrived with it
        if (socket.writeQueueFull()) {
            // Postfix waits for each reply; a client that pipelines without reading would make us
            // buffer replies without end.
            abort("client does not read its replies");
        }
    }

    private static Buffer reply(Decision decision) {
        if (decision.text().isEmpty()) {
            if (decision.action() == Action.OK) {
                return OK_REPLY;
            }
            if (decision.action() == Action.DUNNO) {
                return DUNNO_REPLY;
            }
        }
        return Buffer.buffer(PolicyCodec.encodeBytes(decision));
    }

    private void onError(Throwable error) {
        if (closing) {
            return;
        }
        log.debug("policy client {}: {}", socket.remoteAddress(), error.toString());
        closing = true;
        socket.close();
    }

    private void abort(String reason) {
        closing = true;
        socket.pause();
        log.warn("policy client {}: {}; closing the connection without a reply", socket.remoteAddress(), reason);
        socket.close();
    }
}
