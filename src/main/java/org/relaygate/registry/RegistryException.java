package org.relaygate.registry;

/** A refusal or failure the user caused or can act on; its message is one line fit for stderr. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message, null, false, false);
    }
}
