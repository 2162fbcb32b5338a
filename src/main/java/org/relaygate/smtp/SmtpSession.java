package org.relaygate.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Supplier;
import org.relaygate.config.SmtpSettings;
import org.relaygate.policy.Decision;
import org.relaygate.policy.Reason;

/**
 * The RFC 5321 server state machine for one connection, without any I/O: the shell feeds it command
 * lines (line end removed) and writes back the replies; {@link #mode()} tells the shell what the
 * connection does next (read DATA, start TLS, wait for the spool, close).
 *
 * <p>Decisions: every 4xx/5xx answer to a command counts as an error, and the command after the
 * {@code smtp.max-errors}-th error gets 421 (Postfix's smtpd_hard_error_limit). After STARTTLS every
 * line is ignored until {@link #tlsStarted()}: plaintext pipelined behind STARTTLS must never be
 * taken as if it came over TLS (CVE-2011-0411). The policy engine is asked once per recipient and
 * only its OK lets a recipient in; if it throws, the answer is 451 4.3.5, never OK.
 */
public final class SmtpSession {

    /** What the connection does after the last reply. */
    public enum Mode { COMMAND, DATA, STORING, START_TLS, CLOSED }

    /** How a DATA section ended. */
    public sealed interface DataEnd permits Refused, Accepted {
    }

    /** Answer with {@code reply}; nothing is stored. */
    public record Refused(SmtpReply reply) implements DataEnd {
    }

    /** Store the message, then answer with {@link #queued} or {@link #notQueued}. */
    public record Accepted(Envelope envelope, long size, String instance) implements DataEnd {
    }

    private static final int MAX_OVERSHOOT = 1000;

    private final SmtpSettings settings;
    private final RelayPolicy policy;
    private final String client;
    private final boolean tlsAvailable;
    private final Clock clock;
    private final Supplier<String> ids;

    private Mode mode = Mode.COMMAND;
    private String helo;
    private boolean esmtp;
    private boolean tlsActive;
    private int errors;
    /** The reply of this command that does not count as an error (identity, set just before it returns). */
    private SmtpReply notCounted;
    private Transaction tx;

    public SmtpSession(SmtpSettings settings, RelayPolicy policy, String clientAddress, boolean tlsAvailable,
                       Clock clock, Supplier<String> ids) {
        this.settings = settings;
        this.policy = policy;
        this.client = clientAddress;
        this.tlsAvailable = tlsAvailable;
        this.clock = clock;
        this.ids = ids;
    }

    public SmtpReply greeting() {
        return SmtpReplies.greeting(settings.hostname());
    }

    public Mode mode() {
        return mode;
    }

    /**
     * One command line without its line end. Returns the reply, or null for a line that gets none
     * (one pipelined after STARTTLS).
     */
    public SmtpReply onLine(String line) {
        if (mode == Mode.START_TLS) {
            return null;
        }
        if (mode != Mode.COMMAND) {
            throw new IllegalStateException("a command line in mode " + mode);
        }
        if (errors >= settings.maxErrors()) {
            return close(SmtpReplies.tooManyErrors(settings.hostname()));
        }
        String trimmed = line.stripTrailing();
        int space = trimmed.indexOf(' ');
        String verb = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : trimmed.substring(space + 1);
        SmtpReply reply = switch (verb) {
            case "EHLO" -> hello(arg, true);
            case "HELO" -> hello(arg, false);
            case "MAIL" -> mail(arg);
            case "RCPT" -> rcpt(arg);
            case "DATA" -> data(arg);
            case "RSET" -> arg.isEmpty() ? reset(SmtpReplies.OK) : SmtpReplies.SYNTAX_NO_ARGUMENTS;
            case "NOOP" -> SmtpReplies.OK; // RFC 5321 4.1.1.9: a parameter is allowed and ignored
            case "QUIT" -> close(SmtpReplies.BYE);
            case "VRFY" -> arg.isBlank() ? SmtpReplies.SYNTAX_VRFY : SmtpReplies.VRFY;
            case "HELP" -> SmtpReplies.HELP;
            case "STARTTLS" -> startTls(arg);
            case "EXPN", "TURN", "ETRN", "ATRN", "AUTH", "BDAT" -> SmtpReplies.NOT_IMPLEMENTED;
            default -> SmtpReplies.UNKNOWN_COMMAND;
        };
        return counted(reply);
    }

    /** The shell's answer to a command line longer than {@code smtp.max-command-line}. */
    public SmtpReply lineTooLong() {
        return counted(SmtpReplies.LINE_TOO_LONG);
    }

    /** Idle or DATA time is up: 421 and close, whatever the state. */
    public SmtpReply timeout() {
        return close(SmtpReplies.timeout(settings.hostname()));
    }

    /** The shell finished the TLS handshake: back to the state before EHLO (RFC 3207 4.2). */
    public void tlsStarted() {
        if (mode != Mode.START_TLS) {
            throw new IllegalStateException("no STARTTLS pending");
        }
        tlsActive = true;
        helo = null;
        esmtp = false;
        tx = null;
        mode = Mode.COMMAND;
    }

    public boolean tlsActive() {
        return tlsActive;
    }

    /**
     * In DATA mode: writes the {@code Received:} header to {@code out} and returns the decoder that
     * writes the message after it.
     */
    public DataDecoder openMessage(DataDecoder.Output out) {
        requireMode(Mode.DATA);
        tx.receivedAt = clock.instant();
        byte[] header = ReceivedHeader.format(helo, client, settings.hostname(), protocol(), tx.instance,
                tx.recipients, tx.receivedAt).getBytes(StandardCharsets.US_ASCII);
        out.write(header, 0, header.length);
        return new DataDecoder(settings.maxMessageSize(), settings.maxDataLine(), settings.bareLf(), out);
    }

    /** The decoder found the end of data: refuse, or hand the envelope to the spool. */
    public DataEnd endOfData(DataDecoder decoder) {
        requireMode(Mode.DATA);
        SmtpReply refusal = SmtpReplies.refusal(decoder.outcome(), settings.maxDataLine());
        if (refusal != null) {
            SmtpLog.refused(client, tx.sender, Integer.toString(tx.recipients.size()),
                    decoder.outcome().name().toLowerCase(Locale.ROOT), refusal);
            mode = Mode.COMMAND;
            return new Refused(reset(refusal));
        }
        // As Postfix: the recipient attribute only when there is exactly one (smtpd_check_eod).
        String only = tx.recipients.size() == 1 ? tx.recipients.get(0) : "";
        SmtpReply limited = RecipientCheck.atEndOfData(policy, context(only), tx.recipients.size(), decoder.size());
        if (limited != null) {
            mode = Mode.COMMAND;
            return new Refused(reset(limited));
        }
        mode = Mode.STORING;
        Envelope envelope = new Envelope(client, helo, tx.sender, tx.recipients, tx.receivedAt, protocol());
        return new Accepted(envelope, decoder.size(), tx.instance);
    }

    /** The spool has the message on disk: only now the 250. */
    public SmtpReply queued(String queueId) {
        requireMode(Mode.STORING);
        mode = Mode.COMMAND;
        return reset(SmtpReplies.queued(queueId));
    }

    /** The spool failed: 451, and the client keeps the message. */
    public SmtpReply notQueued() {
        requireMode(Mode.STORING);
        mode = Mode.COMMAND;
        return reset(SmtpReplies.QUEUE_WRITE_ERROR);
    }

    private SmtpReply hello(String arg, boolean extended) {
        String name = arg.strip();
        if (name.isEmpty()) {
            return extended ? SmtpReplies.SYNTAX_EHLO : SmtpReplies.SYNTAX_HELO;
        }
        int space = name.indexOf(' ');
        helo = space < 0 ? name : name.substring(0, space); // old devices write "HELO Canon iR-ADV"
        esmtp = extended;
        tx = null; // RFC 5321 4.1.4: EHLO/HELO in a transaction is an implicit RSET
        return extended ? SmtpReplies.ehlo(settings.hostname(), settings.maxMessageSize(), tlsAvailable && !tlsActive)
                : new SmtpReply(250, "", settings.hostname());
    }

    private SmtpReply mail(String arg) {
        if (helo == null) {
            return SmtpReplies.SEND_HELO_FIRST;
        }
        if (tx != null) {
            return SmtpReplies.NESTED_MAIL;
        }
        PathArgument.Result parsed = PathArgument.parse(arg, "FROM:");
        if (parsed instanceof PathArgument.Bad bad) {
            return bad.syntax() ? SmtpReplies.SYNTAX_MAIL : SmtpReplies.BAD_SENDER;
        }
        PathArgument.Path path = (PathArgument.Path) parsed;
        SmtpReply bad = PathArgument.mailParameterError(path.params());
        if (bad != null) {
            return bad;
        }
        long size = PathArgument.declaredSize(path.params());
        if (size > settings.maxMessageSize()) {
            SmtpLog.refused(client, path.address(), "-", "declared-size-" + size, SmtpReplies.MESSAGE_TOO_BIG);
            return SmtpReplies.MESSAGE_TOO_BIG;
        }
        tx = new Transaction(path.address(), size, ids.get());
        return SmtpReplies.SENDER_OK;
    }

    private SmtpReply rcpt(String arg) {
        if (tx == null) {
            return SmtpReplies.NEED_MAIL;
        }
        PathArgument.Result parsed = PathArgument.parse(arg, "TO:");
        if (parsed instanceof PathArgument.Bad bad) {
            return bad.syntax() ? SmtpReplies.SYNTAX_RCPT : SmtpReplies.BAD_RECIPIENT;
        }
        PathArgument.Path path = (PathArgument.Path) parsed;
        if (path.address().isEmpty()) {
            return SmtpReplies.BAD_RECIPIENT;
        }
        if (!path.params().isEmpty()) {
            return SmtpReplies.unsupportedOption(path.params().keySet().iterator().next());
        }
        if (tx.recipients.size() >= settings.maxRecipients()) {
            // Not an error while the overshoot is modest: a client may pipeline them all, then send
            // the rest later (RFC 5321 4.5.3.1.10); Postfix's smtpd_recipient_overshoot_limit.
            return ++tx.overshoot > MAX_OVERSHOOT ? SmtpReplies.TOO_MANY_RECIPIENTS : uncounted(SmtpReplies.TOO_MANY_RECIPIENTS);
        }
        Decision decision;
        try {
            decision = policy.decide(RecipientCheck.request(context(path.address())));
        } catch (RuntimeException e) {
            SmtpLog.refused(client, tx.sender, path.address(), "policy-failure " + e, SmtpReplies.POLICY_FAILURE);
            return SmtpReplies.POLICY_FAILURE;
        }
        SmtpReply reply = RecipientCheck.reply(decision, path.address());
        if (!reply.isError()) {
            tx.recipients.add(path.address());
            return reply;
        }
        Reason reason = decision.reason();
        SmtpLog.refused(client, tx.sender, path.address(), reason == null ? decision.action().name() : reason.key(), reply);
        // Like the recipient limit: a client over its rate limit that sends the rest of its
        // recipients must still get to DATA for the ones accepted, not be cut off for "errors".
        return reason == Reason.RATE_LIMITED ? uncounted(reply) : reply;
    }

    private RecipientCheck.Context context(String recipient) {
        return new RecipientCheck.Context(client, helo, esmtp, tx.sender, recipient, tx.declaredSize, tx.instance);
    }

    private SmtpReply data(String arg) {
        if (!arg.isBlank()) {
            return SmtpReplies.SYNTAX_NO_ARGUMENTS;
        }
        if (tx == null) {
            return helo == null ? SmtpReplies.SEND_HELO_FIRST : SmtpReplies.NEED_MAIL;
        }
        if (tx.recipients.isEmpty()) {
            return SmtpReplies.NO_VALID_RECIPIENTS;
        }
        mode = Mode.DATA;
        return SmtpReplies.START_DATA;
    }

    private SmtpReply startTls(String arg) {
        if (!tlsAvailable) {
            return SmtpReplies.NOT_IMPLEMENTED;
        }
        if (tlsActive) {
            return SmtpReplies.TLS_ALREADY_ACTIVE;
        }
        if (!arg.isBlank()) {
            return SmtpReplies.SYNTAX_NO_ARGUMENTS;
        }
        if (tx != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS;
        }
        mode = Mode.START_TLS;
        return SmtpReplies.READY_FOR_TLS;
    }

    private String protocol() {
        return esmtp ? (tlsActive ? "ESMTPS" : "ESMTP") : "SMTP";
    }

    private SmtpReply reset(SmtpReply reply) {
        tx = null;
        return reply;
    }

    private SmtpReply close(SmtpReply reply) {
        mode = Mode.CLOSED;
        return reply;
    }

    private SmtpReply counted(SmtpReply reply) {
        if (reply.isError() && mode != Mode.CLOSED && reply != notCounted) {
            errors++;
        }
        notCounted = null;
        return reply;
    }

    private SmtpReply uncounted(SmtpReply reply) {
        notCounted = reply;
        return reply;
    }

    private void requireMode(Mode expected) {
        if (mode != expected) {
            throw new IllegalStateException("expected mode " + expected + ", not " + mode);
        }
    }
}
