package org.relaygate.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Decides one request against one snapshot: pure, no I/O, shared by the policy server and the
 * Java relay. Only an ACTIVE registration that no block covers is ever OK.
 */
public final class PolicyEngine {

    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Longest access(5) text we send; a garbage client address can be far longer. */
    private static final int MAX_TEXT = 450;

    private final DecisionTexts texts;
    private final Clock clock;

    public PolicyEngine(DecisionTexts texts, Clock clock) {
        this.texts = texts;
        this.clock = clock;
    }

    public Decision decide(PolicyRequest request, Snapshot snapshot) {
        String state = request.protocolState();
        // Absent state: a hand-typed request (README's nc example) is judged as RCPT, never as OK.
        if (!state.isEmpty() && !state.equalsIgnoreCase("RCPT")) {
            // DUNNO, not OK, so the rest of Postfix's restrictions still run.
            return new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null);
        }
        String client = request.clientAddress();
        IpAddress address = IpAddress.parseOrNull(client);
        if (address == null) {
            return reject(texts.badClientAddress(), Reason.BAD_CLIENT_ADDRESS, Text.oneLine(client), 0, null, "", "");
        }
        String shown = address.toString();
        Instant now = clock.instant();
        Block block = snapshot.activeBlock(address, now);
        if (block != null) {
            String until = block.expiresAt() == null ? "" : " (until " + UNTIL.format(block.expiresAt()) + ")";
            return reject(texts.blocked(), Reason.BLOCKED, shown, 0, block.cidr(), block.reason(), until);
        }
        RegisteredAddress reg = snapshot.registration(address);
        if (reg == null) {
            return reject(texts.notRegistered(), Reason.NOT_REGISTERED, shown, 0, null, "", "");
        }
        return switch (reg.status()) {
            case ACTIVE -> new Decision(Action.OK, "", Reason.REGISTERED, reg.registrationId(), reg.cidr());
            case PENDING -> reject(texts.pending(), Reason.PENDING, shown, reg.registrationId(), reg.cidr(), "", "");
            case SUSPENDED -> reject(texts.suspended(), Reason.SUSPENDED, shown, reg.registrationId(), reg.cidr(), reg.statusReason(), "");
            case REVOKED -> reject(texts.revoked(), Reason.REVOKED, shown, reg.registrationId(), reg.cidr(), "", "");
        };
    }

    private Decision reject(String template, Reason reason, String client, long registration, Cidr network,
                            String why, String until) {
        Map<String, String> values = Map.of(
                "client", client,
                "registration", registration == 0 ? "" : "#" + registration,
                "network", network == null ? "" : network.toDisplayString(),
                "reason", why == null || why.isBlank() ? "no reason given" : Text.oneLine(why),
                "until", until,
                "register", texts.register(),
                "postmaster", texts.postmaster());
        return new Decision(Action.REJECT, cut(fill(template, values)), reason, registration, network);
    }

    /**
     * Fills {name} placeholders in one pass, so a placeholder inside a value (a block reason, a garbage
     * client address) stays literal text instead of being expanded in turn.
     */
    private static String fill(String template, Map<String, String> values) {
        StringBuilder sb = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            String value = close < 0 ? null : values.get(template.substring(open + 1, close));
            if (value == null) {
                int next = open < 0 ? template.length() : open + 1;
                sb.append(template, i, next);
                i = next;
                continue;
            }
            sb.append(template, i, open).append(value);
            i = close + 1;
        }
        return sb.toString();
    }

    /** Caps a text at MAX_TEXT characters without leaving half a surrogate pair at the end. */
    private static String cut(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end);
    }
}
