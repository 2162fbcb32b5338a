package org.relaygate.smtp;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;

/**
 * The RCPT-time question to the policy engine, asked with the attributes Postfix's smtpd sends
 * (SMTPD_POLICY_README), and the answer turned into the reply Postfix would give for the same
 * access(5) action, so a device sees the same refusal from either relay.
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
        Map<String, String> a = new HashMap<>(16);
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", "RCPT");
        a.put("protocol_name", c.esmtp() ? "ESMTP" : "SMTP");
        a.put("client_address", c.clientAddress());
        // No DNS lookups in the relay: Postfix sends "unknown" when it has no verified name.
        a.put("client_name", "unknown");
        a.put("reverse_client_name", "unknown");
        a.put("helo_name", c.heloName());
        a.put("sender", c.sender());
        a.put("recipient", c.recipient());
        a.put("recipient_count", "0"); // non-zero only in the DATA and END-OF-MESSAGE states
        a.put("size", Long.toString(c.declaredSize()));
        a.put("instance", c.instance());
        a.put("queue_id", "");
        return new PolicyRequest(a);
    }

    /** The reply for a decision: only OK lets the recipient in; DUNNO means nobody permitted relaying. */
    static SmtpReply reply(Decision decision, String recipient) {
        return switch (decision.action()) {
            case OK -> SmtpReplies.RECIPIENT_OK;
            case REJECT -> rejected(554, '5', decision.text(), recipient);
            case DEFER_IF_PERMIT -> rejected(450, '4', decision.text(), recipient);
            case DUNNO -> SmtpReplies.relayDenied(recipient);
        };
    }

    /**
     * Postfix's access(5) form {@code <rcpt>: Recipient address rejected: text}: an RFC 3463 code at the
     * start of the text becomes the enhanced code, its class forced to the reply's (as Postfix does).
     */
    private static SmtpReply rejected(int code, char codeClass, String text, String recipient) {
        String enhanced = codeClass + ".7.1";
        String detail = text.isEmpty() ? "Access denied" : text;
        Matcher m = CODE_AND_TEXT.matcher(text);
        if (m.matches()) {
            enhanced = codeClass + "." + m.group(2);
            detail = m.group(3) == null || m.group(3).isBlank() ? "Access denied" : m.group(3);
        }
        return new SmtpReply(code, enhanced, "<" + recipient + ">: Recipient address rejected: " + detail);
    }
}
