package org.relaygate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.relaygate.metrics.Metrics;
import org.relaygate.policy.Action;
import org.relaygate.policy.Reason;

/**
 * What recording costs a policy answer, as PolicyConnection does it on one event loop: a clock read
 * and one decision with its latency (a counter and a histogram bucket). The clock read alone is the
 * baseline; the difference is what the counters add.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsBenchmark {

    private static final Action[] ACTIONS = {Action.OK, Action.REJECT, Action.OK, Action.DUNNO};
    private static final Reason[] REASONS = {Reason.REGISTERED, Reason.NOT_REGISTERED, Reason.REGISTERED, Reason.END_OF_MESSAGE};

    private final Metrics metrics = new Metrics();
    private long start = System.nanoTime();
    private int i;

    @Benchmark
    public long clockOnly() {
        return System.nanoTime() - start;
    }

    @Benchmark
    public void clockAndRecord() {
        int k = i++ & 3;
        metrics.decision(ACTIONS[k], REASONS[k], System.nanoTime() - start);
    }
}
