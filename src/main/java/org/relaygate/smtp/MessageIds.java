package org.relaygate.smtp;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One id per message transaction, used as the policy request's {@code instance} and in the
 * {@code Received:} header: 12 upper-case base-36 characters, the time in milliseconds then a
 * counter, so ids sort by time and stay unique within a process (and, by the clock, across restarts).
 */
public final class MessageIds implements Supplier<String> {

    private static final long COUNTER_SPACE = 36L * 36 * 36 * 36;

    private final Clock clock;
    private final AtomicLong counter = new AtomicLong();

    public MessageIds(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String get() {
        String time = Long.toString(clock.millis(), 36);
        String count = Long.toString(counter.getAndIncrement() % COUNTER_SPACE, 36);
        return (pad(time, 8) + pad(count, 4)).toUpperCase(Locale.ROOT);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s.substring(s.length() - width) : "0".repeat(width - s.length()) + s;
    }
}
