package org.relaygate.spool;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Queue ids: 16 upper-case hex digits, the first 12 the arrival time in epoch milliseconds and the
 * last 4 a sequence number within that millisecond. Fixed width, so sorting the names sorts by
 * arrival; only {@code [0-9A-F]}, so an id is always a safe file name and never a path.
 *
 * <p>Unique because only the process holding the spool lock creates messages, and this generator
 * never goes below the newest id already in the queue (a clock stepped back after a restart
 * cannot reuse one).
 */
public final class QueueIds {

    private static final Pattern ID = Pattern.compile("[0-9A-F]{16}");
    private static final int PER_MILLI = 0x10000;

    private long lastMillis;
    private int sequence;

    /** True when {@code text} has the shape of a queue id; checked before any id becomes a file name. */
    public static boolean isValid(String text) {
        return text != null && ID.matcher(text).matches();
    }

    /** Makes every later id sort after {@code id} (an existing one, found at recovery). */
    public synchronized void notBelow(String id) {
        if (!isValid(id)) {
            return;
        }
        long millis = Long.parseLong(id.substring(0, 12), 16);
        int seq = Integer.parseInt(id.substring(12), 16);
        if (millis > lastMillis || (millis == lastMillis && seq >= sequence)) {
            lastMillis = millis;
            sequence = seq + 1;
        }
    }

    /** The next id for a message arriving at {@code nowMillis}. */
    public synchronized String next(long nowMillis) {
        if (nowMillis > lastMillis) {
            lastMillis = nowMillis;
            sequence = 0;
        }
        if (sequence >= PER_MILLI) {
            lastMillis++;
            sequence = 0;
        }
        return String.format(Locale.ROOT, "%012X%04X", lastMillis, sequence++);
    }
}
