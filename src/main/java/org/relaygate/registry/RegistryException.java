package org.relaygate.registry;

/**
 * A refusal or failure the user caused or can act on; its message is one line fit for stderr. A
 * failure of the database itself is the subclass {@link DatabaseFailure}.
 */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message, null, false, false);
    }

    RegistryException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
