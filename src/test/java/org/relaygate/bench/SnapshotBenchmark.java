package org.relaygate.bench;

import java.time.Instant;
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
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.Snapshot;

/**
 * Snapshot.registration at 1,000,000 registered networks, the question the policy server asks per
 * request: addresses cycle through IPv4 hits, IPv6 hits and misses in turn (a miss asks the live
 * index and then the revoked one).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+UseTransparentHugePages"}) // as serve runs
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotBenchmark {

    private static final int PROBES = 1 << 13;

    private Snapshot snapshot;
    private IpAddress[] probes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        IndexData data = new IndexData(IndexData.SEED);
        List<RegisteredAddress> addresses = data.registrations(IndexBenchmark.ENTRIES);
        snapshot = Snapshot.build(1, Instant.EPOCH, addresses, List.of(), true);
        List<Cidr> networks = addresses.stream().map(RegisteredAddress::cidr).toList();
        CidrIndex<Boolean> all = CidrIndex.build(networks.stream().map(c -> new CidrIndex.Entry<>(c, true)).toList());
        IpAddress[] v4 = data.hits(networks, false, PROBES);
        IpAddress[] v6 = data.hits(networks, true, PROBES);
        IpAddress[] misses = data.misses(all, PROBES);
        probes = new IpAddress[PROBES];
        for (int i = 0; i < PROBES; i++) {
            probes[i] = switch (i % 3) {
                case 0 -> v4[i];
                case 1 -> v6[i];
                default -> misses[i];
            };
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
    public RegisteredAddress registration() {
        return snapshot.registration(probes[next++ & (PROBES - 1)]);
    }
}
