package org.relaygate.policy;

/**
 * What the engine decided. {@code text} is the access(5) text after the action (may be empty);
 * {@code registrationId} is 0 and {@code matched} null when no registration or block matched.
 */
public record Decision(Action action, String text, Reason reason, long registrationId, Cidr matched) {

    public Decision {
        text = Text.oneLine(text == null ? "" : text).strip();
    }

    /** The value of Postfix's {@code action=} attribute: the action, then its text. */
    public String actionLine() {
        return text.isEmpty() ? action.name() : action.name() + " " + text;
    }

    /** Only OK lets a client relay. */
    public boolean permits() {
        return action == Action.OK;
    }
}
