package org.relaygate.smtp;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;

/**
 * The RCPT-time and end-of-data questions to the policy engine, asked with the attributes Postfix's
 * smtpd sends (SMTPD_POLICY_README; END-OF-MESSAGE as from smtpd_end_of_data_restrictions), and the
 * answers turned into the replies Postfix would give for the same access(5) actions, so a device sees
 * the same refusal from either relay.
 */
final class RecipientCheck {

    private static final Pattern CODE_AND_TEXT = Pattern.compile("([245])\\.(\\d{1,3}\\.\\d{1,3})(?: +(.*))?");

    private RecipientCheck() {
    }

    /** What the session knows when a RCPT arrives. */
    record Context(String clientAddress, String heloName, boolean esmtp, String sender, String recipient,
                   long declaredSize, String instance) {
    }

    static PolicyRequest request(Context c) {
        return new PolicyRequest(attributes(c, "RCPT", 0, c.declaredSize()));
    }

    /**
     * After the data, before the message is stored: Postfix's END-OF-MESSAGE request, with the
     * accepted recipients' count and the message's size (the rate limiter corrects its count by it).
     */
    static PolicyRequest endOfMessage(Context c, int recipientCount, long size) {
        return new PolicyRequest(attributes(c, "END-OF-MESSAGE", recipientCount, size));
    }

    private static Map<String, String> attributes(Context c, String state, int recipientCount, long size) {
        Map<String, String> a = new HashMap<>(16);
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", state);
        a.put("protocol_name", c.esmtp() ? "ESMTP" : "SMTP");
        a.put("client_address", c.clientAddress());
        // No DNS lookups in the relay: Postfix sends "unknown" when it has no verified name.
        a.put("client_name", "unknown");
        a.put("reverse_client_name", "unknown");
        a.put("helo_name", c.heloName());
        a.put("sender", c.sender());
        a.put("recipient", c.recipient());
        a.put("recipient_count", Integer.toString(recipientCount)); // non-zero only in the DATA and END-OF-MESSAGE states
        a.put("size", Long.toString(size));
        a.put("instance", c.instance());
        a.put("queue_id", "");
        return a;
    }

    /** The reply for a decision: only OK lets the recipient in; DUNNO means nobody permitted relaying. */
    static SmtpReply reply(Decision decision, String recipient) {
        return switch (decision.action()) {
            case OK -> SmtpReplies.RECIPIENT_OK;
            case REJECT -> rejected(554, '5', decision.text(), recipient);
            case DEFER, DEFER_IF_PERMIT -> rejected(450, '4', decision.text(), recipient);
            case DUNNO -> SmtpReplies.relayDenied(recipient);
        };
    }

    /**
     * The engine's END-OF-MESSAGE question after the data, as Postfix asks it from
     * smtpd_end_of_data_restrictions: the rate limiter sees the message's final recipients, and a
     * registration being auto-suspended is deferred. Null to store the message; a failing engine
     * gives 451 4.3.5, never a 250. A refusal is logged.
     */
    static SmtpReply atEndOfData(RelayPolicy policy, Context c, int recipients, long size) {
        SmtpReply reply;
        String reason;
        try {
            Decision d = policy.decide(endOfMessage(c, recipients, size));
            reply = endOfData(d);
            reason = d.reason() == null ? d.action().name() : d.reason().key();
        } catch (RuntimeException e) {
            reply = SmtpReplies.POLICY_FAILURE;
            reason = "policy-failure " + e;
        }
        if (reply != null) {
            SmtpLog.refused(c.clientAddress(), c.sender(), Integer.toString(recipients), reason, reply);
        }
        return reply;
    }

    /**
     * The reply after the data: null when the message may be stored (OK, DUNNO). DEFER (over a
     * rate limit; DEFER_IF_PERMIT too: nothing after relaygate could permit it here) is 450:
     * nothing is stored and the client keeps the message and retries.
     * Postfix's form for smtpd_end_of_data_restrictions: {@code <END-OF-MESSAGE>: End-of-data rejected: text}.
     */
    static SmtpReply endOfData(Decision decision) {
        return switch (decision.action()) {
            case OK, DUNNO -> null;
            case DEFER, DEFER_IF_PERMIT -> refused(450, '4', decision.text(), "<END-OF-MESSAGE>: End-of-data rejected: ");
            case REJECT -> refused(554, '5', decision.text(), "<END-OF-MESSAGE>: End-of-data rejected: ");
        };
    }

    private static SmtpReply rejected(int code, char codeClass, String text, String recipient) {
        return refused(code, codeClass, text, "<" + recipient + ">: Recipient address rejected: ");
    }

    /**
     * Postfix's access(5) form {@code <rcpt>: Recipient address rejected: text}: an RFC 3463 code at the
     * start of the text becomes the enhanced code, its class forced to the reply's (as Postfix does).
     */
    private static SmtpReply refused(int code, char codeClass, String text, String prefix) {
        String enhanced = codeClass + ".7.1";
        String detail = text.isEmpty() ? "Access denied" : text;
        Matcher m = CODE_AND_TEXT.matcher(text);
        if (m.matches()) {
            enhanced = codeClass + "." + m.group(2);
            detail = m.group(3) == null || m.group(3).isBlank() ? "Access denied" : m.group(3);
        }
        return new SmtpReply(code, enhanced, prefix + detail);
    }
}
