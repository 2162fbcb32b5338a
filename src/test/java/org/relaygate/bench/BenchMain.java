package org.relaygate.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the JMH benchmarks of this package and prints one RESULT line per benchmark and mode with
 * the median: of the sampled calls for SampleTime, of the iteration scores otherwise.
 * {@code BENCH_QUICK=1} cuts the iterations for a smoke run (the figures are then rough).
 * Arguments: an optional benchmark regex (default: all of this package).
 */
public final class BenchMain {

    public static void main(String[] args) throws RunnerException {
        boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
        String include = args.length > 0 ? args[0] : "org\\.relaygate\\.bench\\..*Benchmark\\..*";
        ChainedOptionsBuilder options = new OptionsBuilder().include(include).shouldFailOnError(true);
        String jvmArgs = System.getenv("BENCH_JVM_ARGS"); // e.g. -XX:-UseTransparentHugePages, to compare
        if (jvmArgs != null && !jvmArgs.isBlank()) {
            options.jvmArgsAppend(jvmArgs.trim().split("\\s+"));
        }
        if (quick) {
            options.warmupIterations(1).measurementIterations(2)
                    .warmupTime(TimeValue.milliseconds(500)).measurementTime(TimeValue.milliseconds(500));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.printf("# %-40s %-7s %12s %12s %12s %12s  %s%n", "benchmark", "mode", "median", "mean", "p90", "p99", "unit");
        for (RunResult run : results) {
            Result<?> primary = run.getPrimaryResult();
            Statistics s = primary.getStatistics();
            String name = run.getParams().getBenchmark().replace("org.relaygate.bench.", "");
            String mode = run.getParams().getMode().shortLabel();
            System.out.println(String.format(Locale.ROOT, "RESULT %-35s %-7s %12.1f %12.1f %12.1f %12.1f  %s",
                    name, mode, s.getPercentile(50), s.getMean(), s.getPercentile(90), s.getPercentile(99),
                    primary.getScoreUnit()));
        }
    }
}
