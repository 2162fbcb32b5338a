package org.relaygate.web;

import java.util.regex.Pattern;

/**
 * The HTTP status for a registry refusal, from its one-line message (the registry has one exception
 * type): an unknown registration is 404, a change the registration's status does not allow is 409,
 * anything else (a missing reason, a bad network, an overlap) is 422.
 */
final class Refusals {

    private static final Pattern NO_SUCH = Pattern.compile("no registration \\d+");
    private static final Pattern WRONG_STATUS = Pattern.compile("registration \\d+ is .*");

    private Refusals() {
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
