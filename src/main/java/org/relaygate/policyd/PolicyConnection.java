package org.relaygate.policyd;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import org.relaygate.policy.Action;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.PolicyRequest;
import org.relaygate.policy.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Postfix connection: lines from the framing go to the {@link PolicyCodec}, each complete request
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
    private final int maxLineLength;
    private final PolicyEngine engine;
    private final SnapshotSource snapshots;
    private RecordParser parser;
    private boolean closing;

    PolicyConnection(NetSocket socket, PolicyCodec codec, int maxLineLength, PolicyEngine engine, SnapshotSource snapshots) {
        this.socket = socket;
        this.codec = codec;
        this.maxLineLength = maxLineLength;
        this.engine = engine;
        this.snapshots = snapshots;
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
        // One more byte than the line may hold, for the "\r" of a "\r\n" line end.
        parser = RecordParser.newDelimited("\n", socket).maxRecordSize(maxLineLength + 1);
        parser.exceptionHandler(this::onError);
        parser.handler(this::onLine);
    }

    private void onLine(Buffer line) {
        if (closing) {
            return; // lines already framed after we decided to close
        }
        int length = line.length();
        int content = length > 0 && line.getByte(length - 1) == '\r' ? length - 1 : length;
        if (content > maxLineLength) {
            // A whole over-long line that arrived in one read reaches us framed: same verdict as below.
            abort("line longer than " + maxLineLength + " bytes");
            return;
        }
        // UTF-8, as SMTPUTF8 senders arrive; a malformed byte becomes U+FFFD, which can only make an
        // attribute unreadable (a client_address that is no address is refused), never grant anything.
        PolicyCodec.Result result = codec.onLine(line.toString(StandardCharsets.UTF_8));
        if (result instanceof PolicyCodec.Complete complete) {
            answer(complete.request());
        } else if (result instanceof PolicyCodec.Garbled garbled) {
            abort("garbled request: " + garbled.reason());
        }
    }

    private void answer(PolicyRequest request) {
        Decision decision = engine.decide(request, snapshots.current());
        DecisionLog.log(request, decision);
        socket.write(reply(decision));
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
        if (error instanceof IllegalStateException) {
            // RecordParser's maxRecordSize: the unfinished line is already too long.
            abort("line longer than " + maxLineLength + " bytes");
        } else {
            log.debug("policy client {}: {}", socket.remoteAddress(), error.toString());
            closing = true;
            socket.close();
        }
    }

    private void abort(String reason) {
        closing = true;
        parser.pause();
        log.warn("policy client {}: {}; closing the connection without a reply", socket.remoteAddress(), reason);
        socket.close();
    }
}
