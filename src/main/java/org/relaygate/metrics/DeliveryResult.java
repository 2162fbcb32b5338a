package org.relaygate.metrics;

/** What one delivery attempt did for one recipient, as the relay's mail log says it ({@code status=}). */
public enum DeliveryResult {
    /** Accepted by the next hop ({@code status=sent}). */
    DELIVERED("delivered"),
    /** A temporary failure: tried again later. */
    DEFERRED("deferred"),
    /** A permanent failure: a bounce goes to the sender. */
    BOUNCED("bounced"),
    /** Still failing temporarily at delivery.max-lifetime: bounced as well. */
    EXPIRED("expired");

    private final String key;

    DeliveryResult(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
