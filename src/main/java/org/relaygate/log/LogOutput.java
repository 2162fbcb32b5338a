package org.relaygate.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies {@code log.output} to the running Logback configuration (logback.xml): {@code stderr}
 * (the default), {@code stdout}, or a file path, opened in append mode. Both the general appender
 * of the root logger and the decision log's {@link AsyncLogAppender} move there; each new appender
 * is attached before the old one is detached, so no line is lost in between. A file that cannot be
 * opened is an {@link IllegalArgumentException} naming it, before anything changes.
 *
 * <p>Only {@code serve} calls this: the other commands keep logging to stderr, since their stdout
 * is their result. Two appenders on one file each hold their own descriptor in append mode
 * (O_APPEND): every write lands at the end and both write whole lines, so lines never interleave.
 */
public final class LogOutput {

    public static final String STDERR = "stderr";
    public static final String STDOUT = "stdout";
    /** Used when the replaced appender's pattern cannot be read. */
    static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n";
    static final String DECISION_LOGGER = "org.relaygate.policyd.DecisionLog";

    private LogOutput() {
    }

    /** On the context SLF4J uses; does nothing when Logback is not the SLF4J backend. */
    public static void apply(String output) {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, output);
        }
    }

    public static void apply(LoggerContext context, String output) {
        String target = output == null ? STDERR : output.strip();
        if (STDERR.equals(target)) {
            return; // where logback.xml already sends everything
        }
        boolean file = !STDERR.equals(target) && !STDOUT.equals(target);
        // Open the file first: a path that cannot be opened changes nothing.
        OutputStream general = file ? open(target) : null;
        OutputStream decisions = file ? open(target) : null;

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Appender<ILoggingEvent> old : appenders(root)) {
            if (old instanceof OutputStreamAppender<ILoggingEvent> stream) {
                OutputStreamAppender<ILoggingEvent> next = file ? new OutputStreamAppender<>() : console(target);
                if (file) {
                    next.setOutputStream(general);
                }
                swap(root, stream, next, context, encoder(context, stream.getEncoder()));
            }
        }
        Logger decisionLogger = context.getLogger(DECISION_LOGGER);
        for (Appender<ILoggingEvent> old : appenders(decisionLogger)) {
            if (old instanceof AsyncLogAppender async) {
                AsyncLogAppender next = new AsyncLogAppender();
                next.setQueueSize(async.queueSize());
                next.setOutput(AsyncLogAppender.buffered(file ? decisions : new NonClosing(new FileOutputStream(
                        STDOUT.equals(target) ? FileDescriptor.out : FileDescriptor.err))));
                swap(decisionLogger, async, next, context, encoder(context, async.encoder()));
            }
        }
    }

    private static OutputStream open(String path) {
        try {
            return new FileOutputStream(path, true);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("log.output: cannot open " + path + " for appending: " + e.getMessage(), e);
        }
    }

    private static ConsoleAppender<ILoggingEvent> console(String target) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget(STDOUT.equals(target) ? "System.out" : "System.err");
        return console;
    }

    private static <A extends Appender<ILoggingEvent>> void swap(Logger logger, Appender<ILoggingEvent> old, A next,
                                                               LoggerContext context, Encoder<ILoggingEvent> encoder) {
        next.setContext(context);
        next.setName(old.getName());
        old.getCopyOfAttachedFiltersList().forEach(next::addFilter); // a level threshold stays
        if (next instanceof OutputStreamAppender<ILoggingEvent> stream) {
            stream.setEncoder(encoder);
        } else if (next instanceof AsyncLogAppender async) {
            async.setEncoder(encoder);
        }
        next.start();
        logger.addAppender(next);
        logger.detachAppender(old);
        old.stop();
    }

    /** A fresh encoder with the replaced one's pattern: an encoder belongs to one appender. */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context, Encoder<ILoggingEvent> old) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(old instanceof PatternLayoutEncoder p && p.getPattern() != null ? p.getPattern() : DEFAULT_PATTERN);
        encoder.start();
        return encoder;
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> out = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** The process's stdout or stderr, which an appender's stop must not close. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
