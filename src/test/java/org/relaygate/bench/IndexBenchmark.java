package org.relaygate.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.CidrIndex;
import org.relaygate.policy.IpAddress;

/**
 * CidrIndex lookups at 1,000,000 networks (IndexData), each call on the next of 8,192 pre-made
 * addresses so the lookups spread over the whole index as real clients do; and the build itself.
 * SampleTime gives the median of single calls (it includes reading the clock, some 20 ns);
 * AverageTime the mean without that.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+UseTransparentHugePages"}) // as serve runs
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndexBenchmark {

    static final int ENTRIES = 1_000_000;
    private static final int PROBES = 1 << 13;

    private CidrIndex<Integer> index;
    private List<CidrIndex.Entry<Integer>> entries;
    private IpAddress[] v4Hits;
    private IpAddress[] v6Hits;
    private IpAddress[] misses;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        IndexData data = new IndexData(IndexData.SEED);
        entries = data.entries(ENTRIES);
        index = CidrIndex.build(entries);
        List<Cidr> networks = entries.stream().map(CidrIndex.Entry::cidr).toList();
        v4Hits = data.hits(networks, false, PROBES);
        v6Hits = data.hits(networks, true, PROBES);
        misses = data.misses(index, PROBES);
        for (IpAddress a : v4Hits) {
            require(index.longestMatch(a) != null, a);
        }
        for (IpAddress a : v6Hits) {
            require(index.longestMatch(a) != null, a);
        }
    }

    private static void require(boolean ok, IpAddress a) {
        if (!ok) {
            throw new IllegalStateException("setup: " + a + " should be a hit");
        }
    }

    private IpAddress next(IpAddress[] probes) {
        return probes[next++ & (PROBES - 1)];
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
    public Integer lookupV4Hit() {
        return index.longestMatch(next(v4Hits));
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
    public Integer lookupV6Hit() {
        return index.longestMatch(next(v6Hits));
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
    public Integer lookupMiss() {
        return index.longestMatch(next(misses));
    }

    /** One whole build of the 1,000,000 entries per call. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 7, batchSize = 1)
    public CidrIndex<Integer> build() {
        return CidrIndex.build(entries);
    }
}
