package org.relaygate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Keeps one-shot commands quiet: Vert.x and H2 INFO lines would bury a command's one line of
 * output on the terminal, so every level below WARN is raised to WARN for the command's run.
 * {@code serve} keeps INFO, and an explicit {@code RELAYGATE_LOG_LEVEL} (read by logback.xml) wins.
 */
final class Logging {

    private Logging() {
    }

    /** Puts the levels back. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /** Raises the levels; closing the result puts them back (the CLI also runs in-process, in tests). */
    static Restore warningsOnly(Map<String, String> environment) {
        if (environment.get("RELAYGATE_LOG_LEVEL") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        Map<Logger, Level> previous = new LinkedHashMap<>();
        for (Logger logger : context.getLoggerList()) {
            // Only loggers with their own level (the root always has one); the rest inherit.
            Level level = logger.getLevel();
            if (level != null && !level.isGreaterOrEqual(Level.WARN)) {
                previous.put(logger, level);
                logger.setLevel(Level.WARN);
            }
        }
        return () -> previous.forEach(Logger::setLevel);
    }
}
