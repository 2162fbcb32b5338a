package org.relaygate.registry;

/**
 * The database failed (a lock timeout, the file in use or unreadable, a damaged schema, a closed
 * pool), as opposed to a rule of ours refusing (validation, a status rule, an overlap, an unknown
 * id). The message is the database's own, on one line, for the CLI; the cause is kept for the log.
 * The web answers these with 503 and a fixed sentence, never with the message.
 */
public final class DatabaseFailure extends RegistryException {
    DatabaseFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
