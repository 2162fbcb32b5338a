package org.relaygate.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Decides one request against one snapshot: pure, no I/O, shared by the policy server and the
 * Java relay. Only an ACTIVE registration that no block covers is ever OK.
 */
public final class PolicyEngine {

    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

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
        String text = template
                .replace("{client}", client)
                .replace("{registration}", registration == 0 ? "" : "#" + registration)
                .replace("{network}", network == null ? "" : network.toDisplayString())
                .replace("{reason}", why == null || why.isBlank() ? "no reason given" : Text.oneLine(why))
                .replace("{until}", until)
                .replace("{register}", texts.register())
                .replace("{postmaster}", texts.postmaster());
        if (text.length() > 450) {
            text = text.substring(0, 450);
        }
        return new Decision(Action.REJECT, text, reason, registration, network);
    }
}
