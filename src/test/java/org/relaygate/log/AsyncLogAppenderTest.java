package org.relaygate.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AsyncLogAppenderTest {

    /** An output that holds the writer in its first write until released. */
    private static final class GatedOutput extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                bytes.write(b, off, len);
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFullQueueDropsAndCountsLinesWithoutBlockingAndReportsThem() throws Exception {
        // The running context: a bare new LoggerContext has no MDC adapter for deferred processing.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger("decisions");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        AsyncLogAppender appender = new AsyncLogAppender();
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder);
        appender.setQueueSize(2);
        GatedOutput out = new GatedOutput();
        appender.setOutput(out);
        appender.start();

        appender.doAppend(event(logger, "line 1"));
        assertTrue(out.entered.await(10, TimeUnit.SECONDS), "the writer took line 1 and is stuck writing it");
        for (int i = 2; i <= 5; i++) {
            appender.doAppend(event(logger, "line " + i)); // 2 and 3 wait in the queue; 4 and 5 are dropped
        }
        assertEquals(2, appender.droppedLines());
        out.release.countDown();
        appender.stop(); // drains the queue

        // The report follows the batch during whose write the lines were dropped.
        assertEquals("INFO line 1\n"
                + "WARN 2 log line(s) dropped: the log writer fell behind (queue of 2 full); decisions were not delayed\n"
                + "INFO line 2\nINFO line 3\n",
                out.text());
    }

    private static LoggingEvent event(Logger logger, String message) {
        return new LoggingEvent(AsyncLogAppenderTest.class.getName(), logger, Level.INFO, message, null, null);
    }
}
