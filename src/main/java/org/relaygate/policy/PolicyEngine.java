package org.relaygate.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Decides one request against one snapshot: pure, no I/O, shared by the policy server and the
 * Java relay. Only an ACTIVE registration that no block covers is ever OK, and only while it is
 * within its rate limits (with a {@link RateLimiter}; without one, nothing is limited).
 *
 * <p>States: RCPT (or none) is judged in full. END-OF-MESSAGE (Postfix's
 * smtpd_end_of_data_restrictions, the relay after the data) only feeds the limiter and answers
 * DUNNO, or DEFER while the registration is being auto-suspended; relay control
 * already happened at RCPT, so it never refuses an unknown client there (its mail to local
 * domains passes). Every other state answers DUNNO.
 */
public final class PolicyEngine {

    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Longest access(5) text we send; a garbage client address can be far longer. */
    private static final int MAX_TEXT = 450;

    private static final Decision NOT_JUDGED = new Decision(Action.DUNNO, "", Reason.NOT_RCPT_STATE, 0, null);

    private final DecisionTexts texts;
    private final Clock clock;
    private final RateLimiter limiter;
    private final AtomicLongArray decisions = new AtomicLongArray(Reason.values().length);

    /** An engine without rate limits. */
    public PolicyEngine(DecisionTexts texts, Clock clock) {
        this(texts, clock, null);
    }

    /** An engine that applies the limiter's limits to ACTIVE registrations; null for none. */
    public PolicyEngine(DecisionTexts texts, Clock clock, RateLimiter limiter) {
        this.texts = texts;
        this.clock = clock;
        this.limiter = limiter;
    }

    public Decision decide(PolicyRequest request, Snapshot snapshot) {
        Decision d = judge(request, snapshot);
        decisions.incrementAndGet(d.reason().ordinal());
        return d;
    }

    /** Decisions made so far with this reason (for metrics). */
    public long decisions(Reason reason) {
        return decisions.get(reason.ordinal());
    }

    /** The limiter, or null when nothing is limited. */
    public RateLimiter limiter() {
        return limiter;
    }

    private Decision judge(PolicyRequest request, Snapshot snapshot) {
        String state = request.protocolState();
        if (state.equalsIgnoreCase("END-OF-MESSAGE")) {
            return endOfMessage(request, snapshot);
        }
        // Absent state: a hand-typed request (README's nc example) is judged as RCPT, never as OK.
        if (!state.isEmpty() && !state.equalsIgnoreCase("RCPT")) {
            // DUNNO, not OK, so the rest of Postfix's restrictions still run.
            return NOT_JUDGED;
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
            case ACTIVE -> withinLimits(request, reg, shown);
            case PENDING -> reject(texts.pending(), Reason.PENDING, shown, reg.registrationId(), reg.cidr(), "", "");
            case SUSPENDED -> reject(texts.suspended(), Reason.SUSPENDED, shown, reg.registrationId(), reg.cidr(), reg.statusReason(), "");
            case REVOKED -> reject(texts.revoked(), Reason.REVOKED, shown, reg.registrationId(), reg.cidr(), "", "");
        };
    }

    /** Blocks and status checks are done: OK unless over a limit (limits come last, for ACTIVE clients only). */
    private Decision withinLimits(PolicyRequest request, RegisteredAddress reg, String shown) {
        RateLimiter.Exceeded over = limiter == null ? null
                : limiter.recipient(reg.registrationId(), reg.limits(), request.get("instance"));
        if (over == null) {
            return new Decision(Action.OK, "", Reason.REGISTERED, reg.registrationId(), reg.cidr());
        }
        return deferred(over, shown, reg);
    }

    /** END-OF-MESSAGE: counted for an ACTIVE, unblocked registration; never a refusal of anyone else. */
    private Decision endOfMessage(PolicyRequest request, Snapshot snapshot) {
        IpAddress address = limiter == null ? null : IpAddress.parseOrNull(request.clientAddress());
        if (address == null || snapshot.activeBlock(address, clock.instant()) != null) {
            return NOT_JUDGED;
        }
        RegisteredAddress reg = snapshot.registration(address);
        if (reg == null || reg.status() != RegistrationStatus.ACTIVE) {
            return NOT_JUDGED;
        }
        RateLimiter.Exceeded over = limiter.endOfMessage(reg.registrationId(), reg.limits(), request.get("instance"),
                request.get("recipient_count"));
        if (over == null) {
            return new Decision(Action.DUNNO, "", Reason.END_OF_MESSAGE, reg.registrationId(), reg.cidr());
        }
        return deferred(over, address.toString(), reg);
    }

    private Decision deferred(RateLimiter.Exceeded over, String client, RegisteredAddress reg) {
        Map<String, String> values = values(client, reg.registrationId(), reg.cidr(), "", "");
        values.put("limit", over.limit());
        values.put("retry", over.retry());
        return new Decision(Action.DEFER, cut(fill(texts.rateLimited(), values)), Reason.RATE_LIMITED,
                reg.registrationId(), reg.cidr());
    }

    private Decision reject(String template, Reason reason, String client, long registration, Cidr network,
                            String why, String until) {
        Map<String, String> values = values(client, registration, network, why, until);
        return new Decision(Action.REJECT, cut(fill(template, values)), reason, registration, network);
    }

    private Map<String, String> values(String client, long registration, Cidr network, String why, String until) {
        Map<String, String> values = new HashMap<>(16);
        values.put("client", client);
        values.put("registration", registration == 0 ? "" : "#" + registration);
        values.put("network", network == null ? "" : network.toDisplayString());
        values.put("reason", why == null || why.isBlank() ? "no reason given" : Text.oneLine(why));
        values.put("until", until);
        values.put("register", texts.register());
        values.put("postmaster", texts.postmaster());
        return values;
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
