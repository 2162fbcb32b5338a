package org.relaygate.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
        // The address is shown in the normalized form (address.toString()), built only for a text.
        Instant now = clock.instant();
        Block block = snapshot.activeBlock(address, now);
        if (block != null) {
            String until = block.expiresAt() == null ? "" : " (until " + UNTIL.format(block.expiresAt()) + ")";
            return reject(texts.blocked(), Reason.BLOCKED, address, 0, block.cidr(), block.reason(), until);
        }
        RegisteredAddress reg = snapshot.registration(address);
        if (reg == null) {
            return reject(texts.notRegistered(), Reason.NOT_REGISTERED, address, 0, null, "", "");
        }
        return switch (reg.status()) {
            case ACTIVE -> withinLimits(request, reg, address);
            case PENDING -> reject(texts.pending(), Reason.PENDING, address, reg.registrationId(), reg.cidr(), "", "");
            case SUSPENDED -> reject(texts.suspended(), Reason.SUSPENDED, address, reg.registrationId(), reg.cidr(), reg.statusReason(), "");
            case REVOKED -> reject(texts.revoked(), Reason.REVOKED, address, reg.registrationId(), reg.cidr(), "", "");
        };
    }

    /** Blocks and status checks are done: OK unless over a limit (limits come last, for ACTIVE clients only). */
    private Decision withinLimits(PolicyRequest request, RegisteredAddress reg, IpAddress address) {
        RateLimiter.Exceeded over = limiter == null ? null
                : limiter.recipient(reg.registrationId(), reg.limits(), request.get("instance"));
        if (over == null) {
            return new Decision(Action.OK, "", Reason.REGISTERED, reg.registrationId(), reg.cidr());
        }
        return deferred(over, address, reg);
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
        return deferred(over, address, reg);
    }

    private Decision deferred(RateLimiter.Exceeded over, IpAddress client, RegisteredAddress reg) {
        Values values = new Values(client, null, reg.registrationId(), reg.cidr(), "", "", over.limit(), over.retry());
        return new Decision(Action.DEFER, cut(fill(texts.rateLimited(), values)), Reason.RATE_LIMITED,
                reg.registrationId(), reg.cidr());
    }

    private Decision reject(String template, Reason reason, IpAddress client, long registration, Cidr network,
                            String why, String until) {
        Values values = new Values(client, null, registration, network, why, until, null, null);
        return new Decision(Action.REJECT, cut(fill(template, values)), reason, registration, network);
    }

    /** A client that is no IP address, shown as sent (made one line). */
    private Decision reject(String template, Reason reason, String rawClient, long registration, Cidr network,
                            String why, String until) {
        Values values = new Values(null, rawClient, registration, network, why, until, null, null);
        return new Decision(Action.REJECT, cut(fill(template, values)), reason, registration, network);
    }

    /**
     * What the placeholders of a text stand for, each built only when the text has it (most have
     * two or three). {@code limit} and {@code retry} are null outside rate-limit texts: the
     * placeholder then stays literal.
     */
    private record Values(IpAddress address, String rawClient, long registration, Cidr network, String why,
                          String until, String limit, String retry) {
    }

    private String value(String name, Values v) {
        return switch (name) {
            case "client" -> v.address() != null ? v.address().toString() : v.rawClient();
            case "registration" -> v.registration() == 0 ? "" : "#" + v.registration();
            case "network" -> v.network() == null ? "" : v.network().toDisplayString();
            case "reason" -> v.why() == null || v.why().isBlank() ? "no reason given" : Text.oneLine(v.why());
            case "until" -> v.until();
            case "register" -> texts.register();
            case "postmaster" -> texts.postmaster();
            case "limit" -> v.limit();
            case "retry" -> v.retry();
            default -> null;
        };
    }

    /**
     * Fills {name} placeholders in one pass, so a placeholder inside a value (a block reason, a garbage
     * client address) stays literal text instead of being expanded in turn.
     */
    private String fill(String template, Values values) {
        StringBuilder sb = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            String value = close < 0 ? null : value(template.substring(open + 1, close), values);
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
