package org.relaygate.policy;

import java.util.Map;

/**
 * The attributes of one Postfix policy request (SMTPD_POLICY_README), or the same attributes built
 * by the Java relay, so both front ends ask the engine the same question.
 */
public record PolicyRequest(Map<String, String> attributes) {

    public PolicyRequest {
        // PackedAttributes is immutable already (and copying it would decode every attribute).
        attributes = attributes instanceof PackedAttributes ? attributes : Map.copyOf(attributes);
    }

    public static PolicyRequest of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up");
        }
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new PolicyRequest(map);
    }

    /** The attribute's value, or "" when absent (Postfix sends empty values as {@code name=}). */
    public String get(String name) {
        return attributes.getOrDefault(name, "");
    }

    public String clientAddress() {
        return get("client_address");
    }

    public String protocolState() {
        return get("protocol_state");
    }
}
