package org.relaygate.registry;

import io.vertx.core.Future;
import java.sql.SQLException;
import org.relaygate.policy.Text;

/** Turns database failures into one-line {@link DatabaseFailure}s fit for stderr. */
final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * Keeps RegistryExceptions (our own refusals, raised inside the work) as they are; anything else
     * is the database failing and becomes a DatabaseFailure with H2's message on one line.
     */
    static <T> Future<T> oneLine(Throwable failure) {
        return Future.failedFuture(toRegistryException(failure));
    }

    static RegistryException toRegistryException(Throwable failure) {
        if (failure instanceof RegistryException r) {
            return r;
        }
        Throwable t = failure;
        while (!(t instanceof SQLException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return new DatabaseFailure(message(t instanceof SQLException ? t : failure), failure);
    }

    /**
     * H2 appends "; SQL statement:\n..." with the whole statement and then "[code-version]": keep the
     * message and the code, drop the echo of the statement.
     */
    static String message(Throwable t) {
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int echo = m.indexOf("; SQL statement:");
        if (echo >= 0) {
            int code = m.lastIndexOf(" [");
            m = m.substring(0, echo) + (code > echo ? m.substring(code) : "");
        }
        return Text.oneLine(m).strip();
    }
}
