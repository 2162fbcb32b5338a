package org.relaygate.web;

import java.util.regex.Pattern;
import org.relaygate.registry.DatabaseFailure;

/**
 * The HTTP status for a registry refusal, from its one-line message: an unknown registration is 404,
 * a change the registration's status does not allow is 409, anything else (a missing reason, a bad
 * network, an overlap) is 422. A {@link DatabaseFailure} is no refusal: it is 503 with
 * {@link #UNAVAILABLE}, never the database's own message (it may name files, locks, tables).
 */
final class Refusals {

    /** What the pages and the API say when the database failed; the real cause goes to the log. */
    static final String UNAVAILABLE = "the registry could not be read or written just now; try again";

    private static final Pattern NO_SUCH = Pattern.compile("no registration \\d+");
    private static final Pattern WRONG_STATUS = Pattern.compile("registration \\d+ is .*");

    private Refusals() {
    }

    /** Whether the failure is the database's (503), not a refusal by a rule of ours. */
    static boolean unavailable(Throwable failure) {
        return failure instanceof DatabaseFailure;
    }

    static int status(String message) {
        String m = message == null ? "" : message;
        if (NO_SUCH.matcher(m).matches()) {
            return 404;
        }
        if (WRONG_STATUS.matcher(m).matches()) {
            return 409;
        }
        return 422;
    }
}
