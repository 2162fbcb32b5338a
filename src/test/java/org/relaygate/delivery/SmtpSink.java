package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A next hop for tests: a small SMTP server on loopback that records every transaction (data
 * un-stuffed, and the raw bytes as they came), and answers 4xx/5xx where told to, or is down.
 */
final class SmtpSink {

    /** One completed DATA: the recipients it accepted and the message as the sender meant it. */
    record Transaction(String mailFrom, List<String> recipients, byte[] data, byte[] wire) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final Vertx vertx;
    private NetServer server;
    private int port;
    final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    /** Every MAIL FROM address, accepted or not, in order. */
    final List<String> mailFroms = new CopyOnWriteArrayList<>();
    /** Every RCPT TO address, in order. */
    final List<String> rcptsSeen = new CopyOnWriteArrayList<>();
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rcptReplyTimes = new ConcurrentHashMap<>();
    volatile String mailReply = "250 2.1.0 Ok";
    volatile String dataReply;
    volatile boolean refuseEhlo;
    /** Never answer the end of data: the client must time out. */
    volatile boolean stallData;
    volatile boolean bareLfSeen;
    private final AtomicInteger open = new AtomicInteger();
    /** The most sessions open at once (from connect to QUIT or drop). */
    final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    /** Connections accepted so far. */
    final AtomicInteger sessions = new AtomicInteger();
    /** When set: the answer to a MAIL on a session that already completed a transaction, then the sink hangs up. */
    volatile String reusedMailReply;
    /** Announce PIPELINING (RFC 2920). */
    volatile boolean pipelining;
    /** MAIL and DATA arrived in one read: the client pipelined. */
    volatile boolean pipelinedSeen;

    SmtpSink(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Listens on a free loopback port. */
    Future<SmtpSink> start() {
        return start(0);
    }

    /** Listens on {@code port} (again, after {@link #stop()}: "the next hop comes back"). */
    Future<SmtpSink> start(int wanted) {
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(wanted)).connectHandler(this::session);
        return server.listen().map(s -> {
            port = s.actualPort();
            return this;
        });
    }

    Future<Void> stop() {
        return server.close();
    }

    int port() {
        return port;
    }

    /** Answer {@code reply} to RCPT for {@code rcpt}: always, or the first {@code times} times. */
    void rcptReply(String rcpt, String reply, int times) {
        rcptReplies.put(rcpt, reply);
        rcptReplyTimes.put(rcpt, new AtomicInteger(times));
    }

    private String rcptAnswer(String rcpt) {
        String r = rcptReplies.get(rcpt);
        AtomicInteger left = rcptReplyTimes.get(rcpt);
        if (r == null || left.getAndDecrement() <= 0) {
            return "250 2.1.5 Ok";
        }
        return r;
    }

    private void session(NetSocket socket) {
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        sessions.incrementAndGet();
        Session s = new Session(socket);
        socket.closeHandler(v -> s.ended());
        RecordParser parser = RecordParser.newDelimited("\n").maxRecordSize(1 << 20);
        parser.handler(s::onLine);
        socket.handler(chunk -> {
            String text = chunk.toString(StandardCharsets.ISO_8859_1);
            if (text.startsWith("MAIL FROM:") && text.contains("\r\nDATA\r\n")) {
                pipelinedSeen = true;
            }
            parser.handle(chunk);
        });
        socket.write("220 sink.test ESMTP\r\n");
    }

    private final class Session {
        private final NetSocket socket;
        private String from;
        private final List<String> rcpts = new ArrayList<>();
        private ByteArrayOutputStream data;
        private ByteArrayOutputStream wire;
        private boolean ended;
        private int completed;

        Session(NetSocket socket) {
            this.socket = socket;
        }

        /** At QUIT, or when the connection drops: no longer counted as open. */
        void ended() {
            if (!ended) {
                ended = true;
                open.decrementAndGet();
            }
        }

        void onLine(Buffer buffer) {
            byte[] raw = buffer.getBytes();
            boolean crlf = raw.length > 0 && raw[raw.length - 1] == '\r';
            String line = new String(raw, 0, crlf ? raw.length - 1 : raw.length, StandardCharsets.UTF_8);
            if (data != null) {
                onData(raw, crlf);
                return;
            }
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                reply(refuseEhlo ? "502 5.5.1 EHLO not implemented"
                        : "250-sink.test\r\n" + (pipelining ? "250-PIPELINING\r\n" : "") + "250-SIZE 100000000\r\n250 8BITMIME");
            } else if (upper.startsWith("HELO")) {
                reply("250 sink.test");
            } else if (upper.startsWith("MAIL FROM:<") && completed > 0 && reusedMailReply != null) {
                reply(reusedMailReply);
                ended();
                socket.close();
            } else if (upper.startsWith("MAIL FROM:<")) {
                String sender = line.substring(11, line.indexOf('>'));
                mailFroms.add(sender);
                from = mailReply.startsWith("2") ? sender : null;
                rcpts.clear();
                reply(mailReply);
            } else if (upper.startsWith("RCPT TO:<")) {
                String rcpt = line.substring(9, line.indexOf('>'));
                rcptsSeen.add(rcpt);
                String answer = rcptAnswer(rcpt);
                if (answer.startsWith("2")) {
                    rcpts.add(rcpt);
                }
                reply(answer);
            } else if (upper.equals("DATA")) {
                if (from == null || rcpts.isEmpty()) {
                    reply("503 5.5.1 no valid recipients");
                } else {
                    data = new ByteArrayOutputStream();
                    wire = new ByteArrayOutputStream();
                    reply("354 End data with <CR><LF>.<CR><LF>");
                }
            } else if (upper.equals("QUIT")) {
                ended();
                reply("221 2.0.0 Bye");
                socket.close();
            } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                reply("250 2.0.0 Ok");
            } else {
                reply("500 5.5.2 unknown command");
            }
        }

        private void onData(byte[] raw, boolean crlf) {
            wire.writeBytes(raw);
            wire.write('\n');
            if (!crlf) {
                bareLfSeen = true;
            }
            int length = crlf ? raw.length - 1 : raw.length;
            if (length == 1 && raw[0] == '.') {
                if (stallData) {
                    data = null;
                    return;
                }
                String answer = dataReply != null ? dataReply : "250 2.0.0 Ok: queued as " + queued.incrementAndGet();
                if (answer.startsWith("2")) {
                    transactions.add(new Transaction(from, List.copyOf(rcpts), data.toByteArray(), wire.toByteArray()));
                }
                data = null;
                from = null;
                completed++;
                reply(answer);
                return;
            }
            int skip = length > 0 && raw[0] == '.' ? 1 : 0; // RFC 5321 4.5.2: remove the stuffed dot
            data.write(raw, skip, length - skip);
            data.write('\r');
            data.write('\n');
        }

        private void reply(String text) {
            socket.write(text + "\r\n");
        }
    }
}
