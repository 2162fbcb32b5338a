package org.relaygate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Keeps one-shot commands quiet: Vert.x and H2 INFO lines would bury a command's one line of
 * output on the terminal, so every level below WARN is raised to WARN. {@code serve} keeps INFO,
 * and an explicit {@code RELAYGATE_LOG_LEVEL} (read by logback.xml) always wins.
 */
final class Logging {

    private Logging() {
    }

    static void warningsOnly(Map<String, String> environment) {
        if (environment.get("RELAYGATE_LOG_LEVEL") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Logger logger : context.getLoggerList()) {
            // Only loggers with their own level (the root always has one); the rest inherit.
            Level level = logger.getLevel();
            if (level != null && !level.isGreaterOrEqual(Level.WARN)) {
                logger.setLevel(Level.WARN);
            }
        }
    }
}
