package org.relaygate.policy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages in flight, by registration and Postfix's {@code instance} attribute (requests of one
 * message share it; the Java relay sends its message id). Bounded twice: an entry lives at most
 * {@code ttlMillis} (a message whose END-OF-MESSAGE never comes: aborted, refused by another
 * restriction, or Postfix without an end-of-data policy check), and there are at most
 * {@code capacity} entries, the oldest dropped first. A dropped message that is still going on
 * simply starts over as a new message: it is counted once more (strict, never lenient).
 *
 * <p>One lock for the map; the {@link Message} fields are guarded by the registration's lock.
 */
final class MessageTable {

    /** Postfix's instance ids are about 25 characters; longer keys are cut so memory stays bounded. */
    static final int MAX_INSTANCE = 64;

    private record Key(long registrationId, String instance) {
    }

    /** One message's counts so far. */
    static final class Message {
        final long createdMillis;
        /** The generation of the registration's window it was counted in: a newer window starts it afresh. */
        long generation;
        /** Counted as an attempt (toward auto-suspension). */
        boolean tried;
        /** Counted as a message (toward messages per hour), in messageSlot. */
        boolean counted;
        long messageSlot;
        /** Recipients OK'ed; the latest in recipientSlot. */
        int accepted;
        long recipientSlot;

        Message(long createdMillis, long generation) {
            this.createdMillis = createdMillis;
            this.generation = generation;
        }

        void reset(long newGeneration) {
            generation = newGeneration;
            tried = false;
            counted = false;
            accepted = 0;
        }
    }

    private final int capacity;
    private final long ttlMillis;
    private final LinkedHashMap<Key, Message> messages = new LinkedHashMap<>();

    MessageTable(int capacity, long ttlMillis) {
        if (capacity < 1 || ttlMillis < 1) {
            throw new IllegalArgumentException("capacity and ttl must be positive");
        }
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
    }

    /** The message, created when new; a request without an instance is a message of its own. */
    Message get(long registrationId, String instance, long nowMillis, long generation) {
        if (instance.isEmpty()) {
            return new Message(nowMillis, generation);
        }
        Key key = key(registrationId, instance);
        synchronized (this) {
            Message m = messages.get(key);
            if (m != null && m.createdMillis + ttlMillis > nowMillis) {
                return m;
            }
            if (m != null) {
                messages.remove(key);
            }
            evict(nowMillis);
            Message created = new Message(nowMillis, generation);
            messages.put(key, created);
            return created;
        }
    }

    /** The message if it is known and not expired, else null. */
    synchronized Message find(long registrationId, String instance, long nowMillis) {
        if (instance.isEmpty()) {
            return null;
        }
        Message m = messages.get(key(registrationId, instance));
        return m != null && m.createdMillis + ttlMillis > nowMillis ? m : null;
    }

    synchronized void remove(long registrationId, String instance) {
        if (!instance.isEmpty()) {
            messages.remove(key(registrationId, instance));
        }
    }

    synchronized int size() {
        return messages.size();
    }

    /** Insertion order is age order: expired and surplus entries are all at the head. */
    private void evict(long nowMillis) {
        Iterator<Map.Entry<Key, Message>> it = messages.entrySet().iterator();
        while (it.hasNext()) {
            Message oldest = it.next().getValue();
            if (messages.size() < capacity && oldest.createdMillis + ttlMillis > nowMillis) {
                return;
            }
            it.remove();
        }
    }

    private static Key key(long registrationId, String instance) {
        return new Key(registrationId, instance.length() > MAX_INSTANCE ? instance.substring(0, MAX_INSTANCE) : instance);
    }
}
