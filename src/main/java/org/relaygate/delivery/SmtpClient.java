package org.relaygate.delivery;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small SMTP client (RFC 5321 3.3): greeting, EHLO (HELO when EHLO gets a 5xx), MAIL, one RCPT per
 * recipient, DATA, the message. After a completed transaction the session goes to the
 * {@link ConnectionCache} instead of QUIT, and the next message to the same host and port starts
 * with MAIL on it; when that MAIL fails on a cached session (closed meanwhile, a 421 on idle), the
 * transaction starts over on a new connection, as nothing of it was accepted yet. One result per recipient:
 * a 4xx/5xx to RCPT is that recipient's; one to MAIL or DATA, or to the end of data, is every
 * (accepted) recipient's; a failure before MAIL (no connection, bad greeting) is everybody's and
 * means "try the next host" if there is one.
 */
final class SmtpClient {

    /** QUIT is a courtesy: its reply is not worth waiting the full command timeout for. */
    private static final long QUIT_TIMEOUT_MILLIS = 5000;

    /** The recipients' results, and whether the failure happened before MAIL (another host may do better). */
    record Result(List<RecipientResult> results, boolean beforeMail) {
    }

    /** What one transaction carries; {@code data} is already encoded by {@link DataEncoder}. */
    record Mail(String sender, List<String> recipients, Buffer data, long size, boolean eightBit) {
    }

    private final Vertx vertx;
    private final NetClient client;
    private final String heloName;
    private final long commandTimeoutMillis;
    private final ConnectionCache cache;
    private final int maxConnections;
    /** Transactions in progress, each with its connection: with the cached ones, at most {@code maxConnections}. */
    private int active;

    SmtpClient(Vertx vertx, NetClient client, String heloName, long commandTimeoutMillis, int maxConnections) {
        this.vertx = vertx;
        this.client = client;
        this.heloName = heloName;
        this.commandTimeoutMillis = commandTimeoutMillis;
        this.maxConnections = maxConnections;
        this.cache = new ConnectionCache(vertx, maxConnections);
    }

    /** Delivers {@code mail} to {@code host:port}; {@code relay} names it in the results. Never fails. */
    Future<Result> deliver(String host, int port, String relay, Mail mail) {
        active++;
        return new Transaction(relay, mail, host, port).run().onComplete(ar -> active--);
    }

    /** Ends the cached sessions (the relay is stopping). */
    void close() {
        cache.closeAll();
    }

    /** Ends a session politely; the connection is closed whatever the reply. */
    static void quit(SmtpConnection conn) {
        conn.command("QUIT", QUIT_TIMEOUT_MILLIS).onComplete(ar -> conn.close());
    }

    /** The cached session failed at MAIL: the transaction starts over on a new connection. */
    private static final class Stale extends RuntimeException {
        Stale(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** A step that ended the transaction early: its outcome goes to every recipient still open. */
    private static final class Stop extends RuntimeException {
        final Outcome outcome;

        Stop(Outcome outcome, String text) {
            super(text, null, false, false);
            this.outcome = outcome;
        }
    }

    private final class Transaction {
        private final String relay;
        private final Mail mail;
        private final String host;
        private final int port;
        private final String target;
        private final RecipientResult[] results;
        private final List<Integer> accepted = new ArrayList<>();
        private SmtpConnection conn;
        private SmtpReply ehlo;
        private int uses;
        private boolean mailSent;
        /** On a cached session: a failed MAIL means "start over on a new connection". */
        private boolean reused;

        Transaction(String relay, Mail mail, String host, int port) {
            this.relay = relay;
            this.mail = mail;
            this.host = host;
            this.port = port;
            this.target = host + ":" + port;
            this.results = new RecipientResult[mail.recipients().size()];
        }

        Future<Result> run() {
            ConnectionCache.Idle idle = safe(mail.sender()) ? cache.take(target) : null;
            if (idle == null) {
                return fresh().transform(this::finish);
            }
            conn = idle.conn();
            ehlo = idle.ehlo();
            uses = idle.uses();
            reused = true;
            return mailTransaction()
                    .recover(e -> {
                        if (!(e instanceof Stale)) {
                            return Future.failedFuture(e);
                        }
                        conn.close();
                        conn = null;
                        mailSent = false;
                        reused = false;
                        accepted.clear();
                        return fresh();
                    })
                    .transform(this::finish);
        }

        /** A new connection: greeting, EHLO, then the transaction. */
        private Future<Void> fresh() {
            if (active + cache.size() > maxConnections) {
                cache.evictOldest(); // idle sessions to other hosts do not push us over delivery.concurrency
            }
            uses = 0;
            return client.connect(port, host)
                    .recover(e -> Future.failedFuture(new Stop(Outcome.TEMP,
                            "4.4.1 connect to " + relay + ": " + withoutAddress(e.getMessage()))))
                    .compose(socket -> {
                        conn = new SmtpConnection(vertx, socket);
                        return expect(conn.read(commandTimeoutMillis, "while waiting for the greeting"), 2);
                    })
                    .compose(greeting -> hello())
                    .compose(v -> mailTransaction());
        }

        /** After MAIL: the recipients and the data. */
        private Future<Void> transaction() {
            return recipient(0).compose(v -> data());
        }

        /** MAIL, recipients and data: pipelined when the server announced PIPELINING, else one by one. */
        private Future<Void> mailTransaction() {
            if (ehlo == null || !ehlo.announces("PIPELINING") || !safe(mail.sender())) {
                return mailFrom().compose(v -> transaction());
            }
            return pipelined();
        }

        /**
         * RFC 2920: MAIL, every RCPT and DATA in one write, then their replies in order. A failed MAIL
         * fails the transaction at once (the connection is not reused: its other replies are unread).
         */
        private Future<Void> pipelined() {
            List<String> commands = new ArrayList<>();
            commands.add(mailCommand());
            List<Integer> sent = new ArrayList<>();
            for (int i = 0; i < results.length; i++) {
                String rcpt = mail.recipients().get(i);
                if (safe(rcpt)) {
                    commands.add("RCPT TO:<" + rcpt + ">");
                    sent.add(i);
                } else {
                    results[i] = new RecipientResult(Outcome.PERM, "5.1.3 the address cannot be sent in SMTP", relay);
                }
            }
            commands.add("DATA");
            mailSent = true;
            conn.sendPipelined(commands);
            return mailReply(conn.read(commandTimeoutMillis, "while waiting for the reply to MAIL"))
                    .compose(ok -> pipelinedRecipients(sent, 0))
                    .compose(v -> conn.read(commandTimeoutMillis, "while waiting for the reply to DATA"))
                    .compose(this::pipelinedData);
        }

        private Future<Void> pipelinedRecipients(List<Integer> sent, int k) {
            if (k == sent.size()) {
                return Future.succeededFuture();
            }
            return conn.read(commandTimeoutMillis, "while waiting for the reply to RCPT").compose(reply -> {
                int i = sent.get(k);
                if (reply.positive()) {
                    accepted.add(i);
                } else {
                    results[i] = new RecipientResult(reply.outcome(), reply.oneLine(), relay);
                }
                return pipelinedRecipients(sent, k + 1);
            });
        }

        private Future<Void> pipelinedData(SmtpReply go) {
            if (accepted.isEmpty()) {
                // Every slot is set. A server that still says 354 gets no data: the connection is
                // dropped (not a Stop, so no QUIT that would be read as message text).
                return Future.failedFuture(go.code() / 100 == 3 ? new IllegalStateException("no recipient accepted")
                        : new Stop(Outcome.TEMP, "no recipient accepted"));
            }
            if (go.code() / 100 != 3) {
                return Future.failedFuture(stop(go));
            }
            return endOfData();
        }

        private Future<Void> hello() {
            return conn.command("EHLO " + heloName, commandTimeoutMillis).compose(reply -> {
                if (reply.positive()) {
                    ehlo = reply;
                    return Future.succeededFuture();
                }
                if (reply.outcome() == Outcome.PERM) {
                    // RFC 5321 3.2: a server that does not know EHLO says 5xx; speak plain SMTP then.
                    return expect(conn.command("HELO " + heloName, commandTimeoutMillis), 2).mapEmpty();
                }
                return Future.failedFuture(stop(reply));
            });
        }

        private Future<Void> mailFrom() {
            if (!safe(mail.sender())) {
                return Future.failedFuture(new Stop(Outcome.PERM, "5.1.7 the sender address cannot be sent in SMTP"));
            }
            mailSent = true;
            return mailReply(conn.command(mailCommand(), commandTimeoutMillis));
        }

        private Future<Void> mailReply(Future<SmtpReply> reply) {
            return expect(reply, 2).<Void>mapEmpty().recover(e -> Future.failedFuture(reused ? new Stale(e) : e));
        }

        private String mailCommand() {
            StringBuilder cmd = new StringBuilder("MAIL FROM:<").append(mail.sender()).append('>');
            if (ehlo != null && ehlo.announces("SIZE")) {
                cmd.append(" SIZE=").append(mail.size());
            }
            if (ehlo != null && mail.eightBit() && ehlo.announces("8BITMIME")) {
                cmd.append(" BODY=8BITMIME");
            }
            return cmd.toString();
        }

        private Future<Void> recipient(int i) {
            if (i == results.length) {
                return accepted.isEmpty()
                        ? Future.failedFuture(new Stop(Outcome.TEMP, "no recipient accepted")) // every slot is set
                        : Future.succeededFuture();
            }
            String rcpt = mail.recipients().get(i);
            if (!safe(rcpt)) {
                results[i] = new RecipientResult(Outcome.PERM, "5.1.3 the address cannot be sent in SMTP", relay);
                return recipient(i + 1);
            }
            return conn.command("RCPT TO:<" + rcpt + ">", commandTimeoutMillis).compose(reply -> {
                if (reply.positive()) {
                    accepted.add(i);
                } else {
                    results[i] = new RecipientResult(reply.outcome(), reply.oneLine(), relay);
                }
                return recipient(i + 1);
            });
        }

        private Future<Void> data() {
            return expect(conn.command("DATA", commandTimeoutMillis), 3).compose(go -> endOfData());
        }

        private Future<Void> endOfData() {
            return expect(conn.sendData(mail.data(), commandTimeoutMillis), 2)
                    .map(done -> {
                        for (int i : accepted) {
                            results[i] = new RecipientResult(Outcome.OK, done.oneLine(), relay);
                        }
                        return null;
                    });
        }

        private Future<SmtpReply> expect(Future<SmtpReply> reply, int codeClass) {
            return reply.compose(r -> r.code() / 100 == codeClass ? Future.succeededFuture(r) : Future.failedFuture(stop(r)));
        }

        private Stop stop(SmtpReply reply) {
            return new Stop(reply.outcome() == Outcome.OK ? Outcome.TEMP : reply.outcome(), reply.oneLine());
        }

        /** Fills every open slot from the failure (if any) and ends the connection. */
        private Future<Result> finish(AsyncResult<Void> ar) {
            boolean beforeMail = ar.failed() && !mailSent;
            if (ar.failed()) {
                Outcome outcome = ar.cause() instanceof Stop s ? s.outcome : Outcome.TEMP;
                String text = ar.cause() instanceof Stop ? ar.cause().getMessage()
                        : "4.4.2 " + relay + ": " + ar.cause().getMessage();
                for (int i = 0; i < results.length; i++) {
                    if (results[i] == null) {
                        results[i] = new RecipientResult(outcome, text, relay);
                    }
                }
            }
            Result result = new Result(Arrays.asList(results), beforeMail);
            if (ar.succeeded()) {
                // The transaction is complete: the server waits for the next MAIL (RFC 5321 4.1.1.2).
                cache.offer(target, new ConnectionCache.Idle(conn, ehlo, uses + 1));
                return Future.succeededFuture(result);
            }
            return quit(ar.cause() instanceof Stop).map(result);
        }

        /**
         * Ends the connection; completes once it is closed, so a transaction's slot of
         * {@code delivery.concurrency} is also a bound on open connections to the next hop.
         */
        private Future<Void> quit(boolean polite) {
            if (conn == null) {
                return Future.succeededFuture();
            }
            if (!polite) {
                conn.close();
                return Future.succeededFuture();
            }
            return conn.command("QUIT", QUIT_TIMEOUT_MILLIS).transform(ar -> {
                conn.close();
                return Future.succeededFuture();
            });
        }
    }

    /** No CR, LF or other control character may reach a command line. */
    private static boolean safe(String address) {
        return address.chars().noneMatch(c -> c < 0x20 || c == 0x7f) && address.indexOf('>') < 0;
    }

    /** Netty appends the address to "Connection refused: /127.0.0.1:25"; the log line names the relay already. */
    static String withoutAddress(String message) {
        if (message == null) {
            return "connection failed";
        }
        int cut = message.indexOf(": /");
        return cut > 0 ? message.substring(0, cut) : message;
    }
}
