package org.relaygate.cli;

/** A failure the CLI has already put into words for the user; shown as its one-line message. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
