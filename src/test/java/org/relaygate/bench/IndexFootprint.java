package org.relaygate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;
import org.relaygate.policy.CidrIndex;
import org.relaygate.policy.RegisteredAddress;
import org.relaygate.policy.Snapshot;

/**
 * What a snapshot of N registered networks costs: build times (best of a few rounds, after warm-up)
 * and the heap it retains, measured two ways. JOL walks the object graph from the snapshot (index
 * arrays plus every RegisteredAddress, Cidr, IpAddress, reason and limits it keeps alive; shared
 * objects counted once); the heap difference after GC checks it without JOL. Run by
 * scripts/bench-index; {@code java ... IndexFootprint [N] [rounds]}.
 */
public final class IndexFootprint {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        IndexData data = new IndexData(IndexData.SEED);
        List<RegisteredAddress> addresses = data.registrations(n);
        timeBuilds(addresses, rounds);

        // Heap difference: what dropping the snapshot (once the input list is gone) gives back.
        long listBytes = GraphLayout.parseInstance(addresses.toArray()).totalSize();
        Snapshot snapshot = Snapshot.build(1, Instant.EPOCH, addresses, List.of(), true);
        addresses = null;
        data = null;
        long snapshotOnly = usedAfterGc();
        Jol jol = Jol.of(snapshot);
        snapshot = null;
        long retained = snapshotOnly - usedAfterGc();
        System.out.printf("RESULT heap-after-gc n=%d snapshot_retained_bytes_per_entry=%.1f%n", n, retained / (double) n);

        System.out.printf("RESULT jol n=%d snapshot_retained_bytes_per_entry=%.1f registration_objects_bytes_per_entry=%.1f%n",
                n, jol.bytes() / (double) n, listBytes / (double) n);
        System.out.println(jol.footprint().lines().limit(18).reduce("", (a, b) -> a + b + "\n"));
    }

    /** JOL's figures only: the layout itself holds every object of the graph. */
    private record Jol(long bytes, String footprint) {
        static Jol of(Object root) {
            GraphLayout layout = GraphLayout.parseInstance(root);
            return new Jol(layout.totalSize(), layout.toFootprint());
        }
    }

    /** In a method of its own, so no index or snapshot of the rounds stays reachable from a local. */
    private static void timeBuilds(List<RegisteredAddress> addresses, int rounds) {
        int n = addresses.size();
        List<CidrIndex.Entry<RegisteredAddress>> entries = addresses.stream()
                .map(a -> new CidrIndex.Entry<>(a.cidr(), a)).toList();
        long bestIndex = Long.MAX_VALUE;
        long bestSnapshot = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            CidrIndex<RegisteredAddress> index = CidrIndex.build(entries);
            long t1 = System.nanoTime();
            Snapshot s = Snapshot.build(1, Instant.EPOCH, addresses, List.of(), true);
            long t2 = System.nanoTime();
            if (index.size() != n || s.liveEntries() + s.revokedEntries() != n) {
                throw new AssertionError("wrong size");
            }
            bestIndex = Math.min(bestIndex, t1 - t0);
            bestSnapshot = Math.min(bestSnapshot, t2 - t1);
            System.out.printf("round %d: CidrIndex.build %d ms, Snapshot.build %d ms%n", r + 1, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        }
        System.out.printf("RESULT build n=%d CidrIndex.build_ms=%d Snapshot.build_ms=%d (best of %d)%n",
                n, bestIndex / 1_000_000, bestSnapshot / 1_000_000, rounds);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
