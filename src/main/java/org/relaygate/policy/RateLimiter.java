package org.relaygate.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.relaygate.policy.UsageTable.Usage;

/**
 * Counts what ACTIVE registrations relay and says when one is over a limit: the stateful half of
 * the rate limits, pure (no I/O; time from the given clock) and thread-safe, since the policy server
 * and the SMTP relay may decide on different event loops. Only OK'ed recipients and messages count
 * against the limits; every attempt (deferred ones too) counts toward auto-suspension.
 *
 * <p>Counting rules (what the README documents):
 * <ul>
 *   <li>A recipient counts when its RCPT is answered OK.</li>
 *   <li>A message counts once, at its first OK'ed RCPT; the RCPTs of one message share Postfix's
 *       {@code instance} (a request without one is a message of its own).</li>
 *   <li>At END-OF-MESSAGE nothing is added: Postfix's {@code recipient_count} (recipients it finally
 *       accepted) can only lower this message's recipient count, when another restriction refused
 *       some recipients after our OK; 0 takes the message back too. The message is then forgotten.</li>
 * </ul>
 *
 * <p>A registration without any limit (its own or the defaults, all 0) is never counted.
 *
 * <p>Memory: one {@link SlidingWindow} per registration that sent within the last window (idle ones
 * are dropped once per window; at most {@code maxRegistrations}, least recently used dropped first)
 * and the bounded {@link MessageTable}. Clients that are not ACTIVE registrations never get state.
 */
public final class RateLimiter {

    /** Sub-buckets per window: one-minute steps for the default hour. */
    static final int SLOTS = 60;
    static final int MAX_REGISTRATIONS = 10_000;
    static final int MAX_MESSAGES = 50_000;
    static final long MESSAGE_TTL_MILLIS = 30 * 60 * 1000L;

    // The kinds of events each window counts (UsageTable.KINDS of them).
    private static final int MESSAGES = 0;
    private static final int RECIPIENTS = 1;
    private static final int MESSAGE_TRIES = 2;
    private static final int RECIPIENT_TRIES = 3;

    /** Why a request is deferred: fills {@code {limit}} and {@code {retry}} of {@code text.rate-limited}. */
    public record Exceeded(String limit, String retry) {
    }

    /** One registration's counts in the current window. */
    public record WindowCounts(int messages, int recipients, int messageAttempts, int recipientAttempts) {
    }

    private final LimitSettings settings;
    private final Clock clock;
    private final AbuseListener listener;
    private final long windowMillis;
    private final LimitTexts texts;
    private final MessageTable messages;
    private final UsageTable usages;
    private final AtomicLong autoSuspensions = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();

    public RateLimiter(LimitSettings settings, Clock clock, AbuseListener listener) {
        this(settings, clock, listener, MAX_REGISTRATIONS, MAX_MESSAGES);
    }

    /** With other bounds on the state, for tests. */
    public RateLimiter(LimitSettings settings, Clock clock, AbuseListener listener, int maxRegistrations, int maxMessages) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener == null ? AbuseListener.NONE : listener;
        this.windowMillis = settings.window().toMillis();
        this.texts = new LimitTexts(settings.window());
        this.messages = new MessageTable(maxMessages, MESSAGE_TTL_MILLIS);
        this.usages = new UsageTable(SLOTS, maxRegistrations);
    }

    public LimitSettings settings() {
        return settings;
    }

    /** An RCPT of an ACTIVE registration that nothing else refused: null when it may relay (and is counted). */
    public Exceeded recipient(long registrationId, RegistrationLimits own, String instance) {
        Limits limits = own.effective(settings.defaults());
        if (limits.equals(Limits.NONE)) {
            // Nothing to exceed, and auto-suspension needs a limit: keep no state. Counting anyway
            // made a load over many registrations churn the bounded table (a window allocated and
            // evicted per request: 21% of the event loop's samples at a million registrations).
            return null;
        }
        long now = clock.millis();
        long slot = slot(now);
        usages.sweepIfDue(slot);
        while (true) {
            Usage u = usages.getOrCreate(registrationId, slot, own.stamp());
            String report = null;
            Exceeded result;
            synchronized (u) {
                if (u.removed) {
                    continue; // dropped by a sweep while we waited: take the new one
                }
                usages.prepare(u, own.stamp(), slot);
                MessageTable.Message m = message(u, registrationId, instance, now);
                boolean wasClear = u.suspendingLimit == null;
                result = judge(u, m, limits);
                if (wasClear && u.suspendingLimit != null) {
                    report = suspensionReason(u);
                }
            }
            if (report != null) {
                report(registrationId, report);
            }
            return result;
        }
    }

    /**
     * END-OF-MESSAGE of an ACTIVE registration: corrects this message's recipients down to
     * {@code recipientCount} (Postfix's count; ignored when not a number) and forgets the message.
     * Null (DUNNO) unless the registration is being auto-suspended.
     */
    public Exceeded endOfMessage(long registrationId, RegistrationLimits own, String instance, String recipientCount) {
        long now = clock.millis();
        Usage u = usages.get(registrationId);
        if (u == null) {
            return null; // nothing counted: not a message we OK'ed (e.g. all recipients local)
        }
        synchronized (u) {
            if (u.removed) {
                return null;
            }
            usages.prepare(u, own.stamp(), slot(now));
            if (u.suspendingLimit != null) {
                return new Exceeded(u.suspendingLimit, LimitTexts.SUSPENDING);
            }
            MessageTable.Message m = messages.find(registrationId, instance, now);
            if (m != null && m.generation == u.generation) {
                correct(u.window, m, parseCount(recipientCount));
            }
            messages.remove(registrationId, instance);
            return null;
        }
    }

    private Exceeded judge(Usage u, MessageTable.Message m, Limits limits) {
        SlidingWindow w = u.window;
        if (!m.tried) {
            m.tried = true;
            w.add(MESSAGE_TRIES, 1);
        }
        w.add(RECIPIENT_TRIES, 1);
        if (u.suspendingLimit == null && settings.autoSuspend()) {
            u.suspendingLimit = farPast(w, limits);
        }
        if (u.suspendingLimit != null) {
            return new Exceeded(u.suspendingLimit, LimitTexts.SUSPENDING);
        }
        if (limits.recipientsPerMessage() > 0 && m.accepted >= limits.recipientsPerMessage()) {
            return new Exceeded(LimitTexts.perMessage(limits.recipientsPerMessage()), LimitTexts.NEXT_MESSAGE);
        }
        if (!m.counted && limits.messagesPerHour() > 0 && w.total(MESSAGES) >= limits.messagesPerHour()) {
            return overWindow(w, MESSAGES, limits.messagesPerHour(), "messages");
        }
        if (limits.recipientsPerHour() > 0 && w.total(RECIPIENTS) >= limits.recipientsPerHour()) {
            return overWindow(w, RECIPIENTS, limits.recipientsPerHour(), "recipients");
        }
        w.add(RECIPIENTS, 1);
        m.accepted++;
        m.recipientSlot = w.newest();
        if (!m.counted) {
            m.counted = true;
            m.messageSlot = w.newest();
            w.add(MESSAGES, 1);
        }
        return null;
    }

    /** The limit phrase when attempts went past factor x a window limit, else null. */
    private String farPast(SlidingWindow w, Limits limits) {
        long factor = settings.autoSuspendFactor();
        if (limits.messagesPerHour() > 0 && w.total(MESSAGE_TRIES) > factor * limits.messagesPerHour()) {
            return texts.perWindow(limits.messagesPerHour(), "messages");
        }
        if (limits.recipientsPerHour() > 0 && w.total(RECIPIENT_TRIES) > factor * limits.recipientsPerHour()) {
            return texts.perWindow(limits.recipientsPerHour(), "recipients");
        }
        return null;
    }

    /** One line for status_reason (and the suspended text the client then gets). */
    private String suspensionReason(Usage u) {
        return "automatic: " + u.window.total(MESSAGE_TRIES) + " messages (" + u.window.total(RECIPIENT_TRIES)
                + " recipients) attempted within " + LimitTexts.compact(settings.window()) + ", more than "
                + settings.autoSuspendFactor() + " times the limit of " + u.suspendingLimit;
    }

    private Exceeded overWindow(SlidingWindow w, int kind, int limit, String what) {
        Instant reset = slotStart(w.slotBelow(kind, limit));
        return new Exceeded(texts.perWindow(limit, what), LimitTexts.retryAfter(reset));
    }

    private static void correct(SlidingWindow w, MessageTable.Message m, int recipientCount) {
        if (recipientCount < 0 || recipientCount >= m.accepted) {
            return; // more than we OK'ed: the others skipped us (local domains); they are not relayed
        }
        w.remove(RECIPIENTS, m.recipientSlot, m.accepted - recipientCount);
        m.accepted = recipientCount;
        if (recipientCount == 0 && m.counted) {
            w.remove(MESSAGES, m.messageSlot, 1);
            m.counted = false;
        }
    }

    private static int parseCount(String text) {
        if (text == null || text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    /** The message of this request, begun afresh when it belongs to an earlier generation of the window. */
    private MessageTable.Message message(Usage u, long registrationId, String instance, long now) {
        MessageTable.Message m = messages.get(registrationId, instance, now, u.generation);
        if (m.generation != u.generation) {
            m.reset(u.generation);
        }
        return m;
    }

    private void report(long registrationId, String why) {
        autoSuspensions.incrementAndGet();
        try {
            listener.onAutoSuspend(registrationId, why);
        } catch (RuntimeException e) {
            // The listener's bug must not become this client's answer: it stays deferred anyway.
            listenerFailures.incrementAndGet();
        }
    }

    private long slot(long millis) {
        return Math.floorDiv(millis * SLOTS, windowMillis);
    }

    private Instant slotStart(long slot) {
        return Instant.ofEpochMilli(-Math.floorDiv(-slot * windowMillis, SLOTS));
    }

    /** The registration's counts in the window now; zeros when it has no state. */
    public WindowCounts counts(long registrationId) {
        Usage u = usages.get(registrationId);
        if (u == null) {
            return new WindowCounts(0, 0, 0, 0);
        }
        synchronized (u) {
            u.window.advance(slot(clock.millis()));
            SlidingWindow w = u.window;
            return new WindowCounts(w.total(MESSAGES), w.total(RECIPIENTS), w.total(MESSAGE_TRIES), w.total(RECIPIENT_TRIES));
        }
    }

    /** Registrations with state now (bounded by the cap). */
    public int trackedRegistrations() {
        return usages.size();
    }

    /** Messages in flight being tracked (bounded by the cap). */
    public int trackedMessages() {
        return messages.size();
    }

    /** How many auto-suspensions were reported. */
    public long autoSuspensions() {
        return autoSuspensions.get();
    }

    /** Registrations still counting that were dropped for the cap (their limits restarted). */
    public long evictedBusy() {
        return usages.evictedBusy();
    }

    public long listenerFailures() {
        return listenerFailures.get();
    }
}
