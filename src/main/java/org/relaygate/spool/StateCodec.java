package org.relaygate.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .state} file (format in {@link Spool}): a first line {@code relaygate-state 1}, then one
 * line per envelope recipient, in envelope order, of six space-separated escaped fields:
 * {@code status attempts next-attempt address relay last-result}. Pure: no files.
 */
final class StateCodec {

    static final String MAGIC = "relaygate-state 1";

    private StateCodec() {
    }

    static byte[] encode(List<RecipientState> states) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        for (RecipientState r : states) {
            sb.append(r.status().token()).append(' ')
                    .append(r.attempts()).append(' ')
                    .append(r.nextAttempt() == null ? SpoolText.EMPTY : r.nextAttempt().toString()).append(' ')
                    .append(SpoolText.escape(r.address())).append(' ')
                    .append(SpoolText.escape(r.relay())).append(' ')
                    .append(SpoolText.escape(r.lastResult())).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The states, checked against the envelope's recipients: a state for another message is damage. */
    static List<RecipientState> decode(byte[] bytes, List<String> recipients) throws IOException {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(MAGIC) || !lines[lines.length - 1].isEmpty()) {
            throw new IOException("not a complete relaygate state file");
        }
        if (lines.length - 2 != recipients.size()) {
            throw new IOException("state for " + (lines.length - 2) + " recipients, message has " + recipients.size());
        }
        List<RecipientState> out = new ArrayList<>(recipients.size());
        for (int i = 1; i < lines.length - 1; i++) {
            RecipientState state = line(lines[i]);
            if (!state.address().equals(recipients.get(i - 1))) {
                throw new IOException("state line " + i + " is for " + state.address());
            }
            out.add(state);
        }
        return out;
    }

    private static RecipientState line(String line) throws IOException {
        String[] f = line.split(" ", -1);
        if (f.length != 6) {
            throw new IOException("bad state line: " + line);
        }
        try {
            Instant next = f[2].equals(SpoolText.EMPTY) ? null : Instant.parse(f[2]);
            return new RecipientState(SpoolText.unescape(f[3]), RecipientState.Status.parse(f[0]),
                    Integer.parseInt(f[1]), next, SpoolText.unescape(f[4]), SpoolText.unescape(f[5]));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IOException("bad state line: " + line);
        }
    }
}
