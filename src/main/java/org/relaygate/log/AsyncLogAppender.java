package org.relaygate.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Log lines written to stderr (or stdout, or a file: {@link LogOutput}) by a thread of their own, so the event loop that logs one line per
 * policy decision never waits for the write: the event goes into a bounded queue, and when the queue
 * is full the line is dropped and counted (never blocking, never growing). The writer wakes every
 * 20 ms, takes whatever is queued, writes it through one buffer and flushes once per batch: one
 * write(2) for many lines instead of one per line (System.err flushes every line), and no wake-up
 * per line. Dropped lines are reported in a WARN line
 * of this appender's own, in the stream, as soon as the writer catches up.
 *
 * <p>Meant for the decision log (logback.xml routes only DecisionLog here): its arguments are
 * immutable values, and a few lines still queued when the JVM halts may be lost (the writer is a
 * daemon thread; a stop of the logger context drains the queue).
 */
public final class AsyncLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private static final int BATCH = 1024;
    /** How long the writer sleeps when the queue is empty: how late a line may reach stderr. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 16_384;
    private OutputStream out;
    /** Only an output given to us is closed: never the process's stderr. */
    private boolean closeOnStop;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong();
    private Thread writer;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** Lines that may wait for the writer; more are dropped (and counted). */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Where the lines go instead of stderr (log.output, tests); before {@link #start()}. Closed by {@link #stop()}. */
    void setOutput(OutputStream out) {
        this.out = out;
        this.closeOnStop = true;
    }

    /**
     * One write(2) per batch (flushed once per batch); a buffer only ever flushes whole lines
     * (a line longer than the buffer goes out in one write), so writers sharing a file in O_APPEND
     * mode never split each other's lines.
     */
    static OutputStream buffered(OutputStream out) {
        return new BufferedOutputStream(out, 1 << 16);
    }

    int queueSize() {
        return queueSize;
    }

    Encoder<ILoggingEvent> encoder() {
        return encoder;
    }

    /** Lines dropped since the start because the queue was full. */
    public long droppedLines() {
        return droppedTotal.get();
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        if (queueSize < 1) {
            addError("queueSize must be positive");
            return;
        }
        if (out == null) {
            out = buffered(new FileOutputStream(FileDescriptor.err));
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        writer = new Thread(this::writeLoop, "log-writer-" + name);
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // thread name, MDC and message, taken on the logging thread
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
            droppedTotal.incrementAndGet();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop(); // no more appends
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closeOnStop && !writer.isAlive()) {
            try {
                out.close();
            } catch (IOException e) {
                addError("cannot close the log output", e);
            }
        }
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            if (queue.drainTo(batch, BATCH) == 0) {
                // Poll rather than wait on the queue: a waiting writer would make every logged line
                // wake it (a futex call and a context switch on the event loop's CPU per line).
                LockSupport.parkNanos(POLL_NANOS);
                continue;
            }
            write(batch);
        }
        // stopped: what is queued still goes out
        queue.drainTo(batch);
        write(batch);
    }

    private void write(List<ILoggingEvent> batch) {
        try {
            for (ILoggingEvent event : batch) {
                out.write(encoder.encode(event));
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                out.write(encoder.encode(droppedWarning(lost)));
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            addError("cannot write log lines", e);
        }
        batch.clear();
    }

    private ILoggingEvent droppedWarning(long lost) {
        LoggerContext loggers = (LoggerContext) getContext();
        return new LoggingEvent(AsyncLogAppender.class.getName(), loggers.getLogger(AsyncLogAppender.class), Level.WARN,
                "{} log line(s) dropped: the log writer fell behind (queue of {} full); decisions were not delayed",
                null, new Object[] {lost, queueSize});
    }
}
