package org.relaygate.policyd;

import org.relaygate.policy.Decision;
import org.relaygate.policy.PolicyRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line per decision, in key=value form so it can be grepped and parsed:
 * {@code client=192.0.2.7 state=RCPT action=REJECT reason=not-registered registration=- sender=a@b.example
 * recipient=c@d.example instance=8f1.5e2f0a.1}. Values come from the peer, so each is made one token:
 * no line breaks, no spaces that could forge another field, and cut short.
 */
public final class DecisionLog {

    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);
    private static final int MAX_VALUE = 200;

    private DecisionLog() {
    }

    public static void log(PolicyRequest request, Decision decision) {
        if (!log.isInfoEnabled()) {
            return; // a benchmark run at WARN pays nothing for this line
        }
        log.info("client={} state={} action={} reason={} registration={} sender={} recipient={} instance={}",
                token(request.clientAddress()), token(request.protocolState()), decision.action(),
                decision.reason().key(), decision.registrationId() == 0 ? "-" : decision.registrationId(),
                token(request.get("sender")), token(request.get("recipient")), token(request.get("instance")));
    }

    /** "-" for empty; control characters and spaces (Unicode ones too) become '_' (a value never splits a line or a field). */
    static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        int length = Math.min(value.length(), MAX_VALUE);
        char[] out = null;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c <= ' ' || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                if (out == null) {
                    out = value.substring(0, length).toCharArray();
                }
                out[i] = '_';
            }
        }
        if (out != null) {
            return new String(out) + (value.length() > length ? "..." : "");
        }
        return value.length() > length ? value.substring(0, length) + "..." : value;
    }
}
