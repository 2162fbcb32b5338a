package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The client end of one SMTP connection: framing (lines, bounded) into a {@link ReplyParser}, and
 * "send this, give me the next reply" as futures, each bounded by a timeout. Replies pair up with
 * commands in order; pipelined commands ({@link #sendPipelined}) are read back one reply at a time. Runs on the socket's context. Kept
 * open for the next message by the {@link ConnectionCache} after a completed transaction.
 */
final class SmtpConnection {

    /** RFC 5321 4.5.3.1.5 says 512 for a reply line; real servers send longer, none sends this much. */
    static final int MAX_REPLY_LINE = 8192;

    /** Why a reply never came: the failure's text for the spool and the log. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final NetSocket socket;
    private final ReplyParser parser = new ReplyParser();
    private final Deque<SmtpReply> replies = new ArrayDeque<>();
    private Promise<SmtpReply> waiting;
    /** Replies that may arrive before they are asked for: those of pipelined commands, or a stray 421. */
    private int unasked = 4;
    private long timer = -1;
    private String broken;

    SmtpConnection(Vertx vertx, NetSocket socket) {
        this.vertx = vertx;
        this.socket = socket;
        RecordParser lines = RecordParser.newDelimited("\n", socket).maxRecordSize(MAX_REPLY_LINE);
        lines.handler(this::onLine);
        lines.exceptionHandler(e -> fail(e instanceof IllegalStateException
                ? "reply line longer than " + MAX_REPLY_LINE + " bytes" : String.valueOf(e.getMessage())));
        socket.closeHandler(v -> fail("connection closed by the server"));
        socket.exceptionHandler(e -> fail(String.valueOf(e.getMessage())));
    }

    /** The next reply from the server (the greeting, first), within {@code timeoutMillis}. */
    Future<SmtpReply> read(long timeoutMillis, String what) {
        if (!replies.isEmpty()) {
            return Future.succeededFuture(replies.poll());
        }
        if (broken != null) {
            return Future.failedFuture(new Failure(broken + " " + what));
        }
        Promise<SmtpReply> promise = Promise.promise();
        waiting = promise;
        timer = vertx.setTimer(timeoutMillis, id -> {
            timer = -1;
            fail("timed out after " + timeoutMillis + " ms");
        });
        return promise.future().recover(e -> Future.failedFuture(new Failure(e.getMessage() + " " + what)));
    }

    /**
     * Sends several command lines at once (RFC 2920 PIPELINING); their replies, in order, come
     * from as many {@link #read} calls.
     */
    void sendPipelined(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append("\r\n");
        }
        unasked = lines.size() + 4;
        socket.write(Buffer.buffer(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends one command line and reads its reply. */
    Future<SmtpReply> command(String line, long timeoutMillis) {
        socket.write(Buffer.buffer((line + "\r\n").getBytes(StandardCharsets.UTF_8)));
        return read(timeoutMillis, "while waiting for the reply to " + verb(line));
    }

    /** Sends the (already dot-stuffed and terminated) message and reads the final reply once it is written. */
    Future<SmtpReply> sendData(Buffer data, long timeoutMillis) {
        return socket.write(data)
                .recover(e -> Future.failedFuture(new Failure(e.getMessage() + " while sending the message")))
                .compose(v -> read(timeoutMillis, "while waiting for the reply to the end of data"));
    }

    /** Between transactions and fit for another: open, nothing unasked received, nothing awaited. */
    boolean idle() {
        return broken == null && waiting == null && replies.isEmpty();
    }

    void close() {
        broken = broken == null ? "connection closed" : broken;
        cancelTimer();
        socket.close();
    }

    private static String verb(String line) {
        int colon = line.indexOf(':');
        return colon > 0 ? line.substring(0, colon) : line.split(" ", 2)[0];
    }

    private void onLine(Buffer buffer) {
        int length = buffer.length();
        if (length > 0 && buffer.getByte(length - 1) == '\r') {
            length--;
        }
        try {
            SmtpReply reply = parser.onLine(buffer.getString(0, length, "UTF-8"));
            if (reply != null) {
                deliver(reply);
            }
        } catch (IllegalArgumentException e) {
            fail("protocol error: " + e.getMessage());
            socket.close();
        }
    }

    private void deliver(SmtpReply reply) {
        Promise<SmtpReply> p = waiting;
        if (p == null) {
            if (replies.size() >= unasked) {
                fail("protocol error: replies nobody asked for");
                socket.close();
                return;
            }
            replies.add(reply); // unsolicited (a 421 before we asked): kept for the next read
            return;
        }
        waiting = null;
        cancelTimer();
        p.complete(reply);
    }

    private void fail(String why) {
        if (broken == null) {
            broken = why;
        }
        cancelTimer();
        Promise<SmtpReply> p = waiting;
        waiting = null;
        if (p != null) {
            p.fail(why);
            socket.close();
        }
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
