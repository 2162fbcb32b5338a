package org.relaygate.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.output on a Logback context configured from the production logback.xml (not the tests' one). */
class LogOutputTest {

    @TempDir
    Path dir;

    private static LoggerContext production() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // the async appender takes the MDC of each event
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL xml = LogOutputTest.class.getClassLoader().getResource("logback.xml");
        configurator.doConfigure(xml);
        return context;
    }

    @Test
    void aFileGetsTheGeneralLinesAndTheDecisionLinesAppended() throws Exception {
        Path file = dir.resolve("relaygate.log");
        Files.writeString(file, "an earlier line\n");
        LoggerContext context = production();
        LogOutput.apply(context, file.toString());

        context.getLogger("org.relaygate.RelaygateService").info("policy server listening on 127.0.0.1:10040");
        context.getLogger(LogOutput.DECISION_LOGGER).info("client=192.0.2.7 state=RCPT action=REJECT reason=not-registered registration=-");
        context.getLogger("org.relaygate.RelaygateService").debug("not at INFO: not written");
        context.stop(); // stops the appenders: the decision writer drains its queue, files are closed

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("an earlier line", lines.get(0), "appended, not truncated");
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "\\S+ INFO  RelaygateService policy server listening on 127.0.0.1:10040")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "\\S+ INFO  DecisionLog client=192.0.2.7 state=RCPT action=REJECT reason=not-registered registration=-")),
                String.join("\n", lines));
    }

    @Test
    void aFileThatCannotBeOpenedIsOneClearErrorAndChangesNothing() throws Exception {
        LoggerContext context = production();
        Path missing = dir.resolve("no-such-dir").resolve("relaygate.log");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogOutput.apply(context, missing.toString()));
        assertTrue(e.getMessage().startsWith("log.output: cannot open " + missing + " for appending: "), e.getMessage());
        assertTrue(context.getLogger("ROOT").getAppender("STDERR") instanceof ch.qos.logback.core.ConsoleAppender<?>);
        assertTrue(context.getLogger(LogOutput.DECISION_LOGGER).getAppender("DECISIONS").isStarted());
        context.stop();
    }

    @Test
    void stdoutMovesBothAppendersToStandardOutput() throws Exception {
        LoggerContext context = production();
        LogOutput.apply(context, "stdout");
        var console = (ch.qos.logback.core.ConsoleAppender<?>) context.getLogger("ROOT").getAppender("STDERR");
        assertEquals("System.out", console.getTarget());
        assertTrue(context.getLogger(LogOutput.DECISION_LOGGER).getAppender("DECISIONS") instanceof AsyncLogAppender a
                && a.isStarted());
        context.stop();
    }
}
