package org.relaygate.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's INFO lines, one per accepted message and one per refusal, in key=value form:
 * {@code client=192.0.2.7 from=a@b.example to=2 id=Q1 size=1234}. Values come from the peer, so each
 * is made one token (no spaces or control characters that could forge a field or a line) and cut short.
 */
final class SmtpLog {

    private static final Logger log = LoggerFactory.getLogger(SmtpLog.class);
    private static final int MAX_VALUE = 200;

    private SmtpLog() {
    }

    static void accepted(Envelope envelope, String queueId, long size, String instance) {
        log.info("client={} from={} to={} id={} size={} helo={} protocol={} instance={}",
                envelope.clientAddress(), token(envelope.sender()), envelope.recipients().size(), token(queueId), size,
                token(envelope.heloName()), envelope.protocol(), instance);
    }

    static void refused(String client, String sender, String recipient, String reason, SmtpReply reply) {
        if (log.isInfoEnabled()) {
            log.info("client={} from={} to={} refused={} reply={}", token(client), token(sender), token(recipient),
                    token(reason), token(reply.code() + " " + reply.enhanced()));
        }
    }

    static void notQueued(Envelope envelope, Throwable cause) {
        log.warn("client={} from={} to={} not queued, answered 451: {}", envelope.clientAddress(),
                token(envelope.sender()), envelope.recipients().size(), cause == null ? "unknown error" : cause.toString());
    }

    /** "-" for empty (the null sender); spaces and control characters become '_'. */
    static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        String cut = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) + "..." : value;
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c <= ' ' || Character.isISOControl(c) || Character.isSpaceChar(c) ? '_' : c);
        }
        return sb.toString();
    }
}
