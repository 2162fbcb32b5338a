package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Logger vertx = (Logger) LoggerFactory.getLogger("io.vertx");

    @Test
    @SuppressWarnings("try") // the resource is only there to be closed
    void oneShotCommandsRaiseInfoToWarnAndPutItBack() {
        Level rootBefore = root.getLevel();
        Level vertxBefore = vertx.getLevel();
        try (Logging.Restore quiet = Logging.warningsOnly(Map.of())) {
            assertEquals(Level.WARN, root.getLevel());
            assertEquals(Level.WARN, vertx.getLevel(), "logback.xml sets io.vertx to INFO explicitly");
        }
        assertEquals(rootBefore, root.getLevel());
        assertEquals(vertxBefore, vertx.getLevel());
    }

    @Test
    @SuppressWarnings("try")
    void anExplicitLogLevelWins() {
        Level before = root.getLevel();
        try (Logging.Restore quiet = Logging.warningsOnly(Map.of("RELAYGATE_LOG_LEVEL", "DEBUG"))) {
            assertEquals(before, root.getLevel());
        }
    }

    @Test
    void anInProcessRunLeavesTheLevelsAsTheyWere() {
        Level before = root.getLevel();
        CliRun.run("audit", "--limit", "0");
        assertEquals(before, root.getLevel());
    }
}
