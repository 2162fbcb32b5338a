package org.relaygate.spool;

import java.nio.charset.StandardCharsets;
import org.relaygate.policy.Text;

/** The text of {@code queue show}. Pure. */
final class QueueText {

    private QueueText() {
    }

    static String show(QueuedMessage m, byte[] message) {
        StringBuilder sb = new StringBuilder();
        sb.append("id: ").append(m.id()).append('\n');
        sb.append("received: ").append(m.envelope().receivedAt()).append('\n');
        sb.append("client: ").append(Text.oneLine(m.envelope().clientAddress()))
                .append(" (helo ").append(Text.oneLine(m.envelope().heloName())).append(")\n");
        sb.append("protocol: ").append(Text.oneLine(m.envelope().protocol())).append('\n');
        sb.append("sender: <").append(Text.oneLine(m.envelope().sender())).append(">\n");
        sb.append("size: ").append(m.size()).append('\n');
        sb.append("recipients:\n");
        for (RecipientState r : m.recipients()) {
            sb.append("  ").append(r.status().token()).append(" <").append(Text.oneLine(r.address()))
                    .append("> attempts=").append(r.attempts());
            if (r.nextAttempt() != null) {
                sb.append(" next=").append(r.nextAttempt());
            }
            if (!r.relay().isEmpty()) {
                sb.append(" relay=").append(Text.oneLine(r.relay()));
            }
            if (!r.lastResult().isEmpty()) {
                sb.append(" (").append(Text.oneLine(r.lastResult())).append(')');
            }
            sb.append('\n');
        }
        sb.append("headers:\n");
        for (String line : MessageHeaders.text(message).split("\r?\n")) {
            sb.append("  ").append(Text.oneLine(line)).append('\n');
        }
        return sb.toString();
    }
}
