package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guide's bucket ranges against a linear scan, on dense, clustered, duplicate and full-range keys. */
class RadixGuideTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 100, 5000})
    void lastKeyAtOrBelowAgreesWithALinearScan(int n) {
        Random r = new Random(n);
        for (int shape = 0; shape < 7; shape++) {
            long[] keys = keys(r, n, shape);
            RadixGuide guide = RadixGuide.build(n, i -> keys[i]);
            for (int probe = 0; probe < 2000; probe++) {
                long key = probe(r, keys, probe);
                assertEquals(linear(keys, key), search(guide, keys, key),
                        () -> "shape " + Arrays.toString(Arrays.copyOf(keys, Math.min(8, keys.length))) + "... key " + key);
            }
        }
    }

    private static long[] keys(Random r, int n, int shape) {
        long[] k = new long[n];
        for (int i = 0; i < n; i++) {
            k[i] = switch (shape) {
                case 0 -> r.nextInt(1 << 20);                                   // dense
                case 1 -> (r.nextBoolean() ? 0x1000_0000L : 0x7000_0000L) + r.nextInt(1 << 16); // two far clusters
                case 2 -> 42;                                                    // all the same
                case 3 -> r.nextLong();                                          // the whole signed range
                case 4 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;     // the extremes only
                case 5 -> ((long) r.nextInt(20) << 40) + ((long) r.nextInt(1 << 12) << 8) + r.nextInt(4); // nested clusters
                case 6 -> r.nextInt(4) == 0 ? 1000 + i : 1_000_000; // a crowd of equal keys after distinct ones
                default -> throw new IllegalArgumentException("shape " + shape);
            };
        }
        Arrays.sort(k);
        return k;
    }

    private static long probe(Random r, long[] keys, int probe) {
        if (keys.length == 0 || probe % 3 == 0) {
            return probe % 2 == 0 ? r.nextLong() : r.nextInt(1 << 21) - 1;
        }
        long near = keys[r.nextInt(keys.length)];
        return near + (r.nextInt(3) - 1); // at, just below, just above a key (wrapping at the extremes is fine)
    }

    /** What Ipv4Networks/Ipv6Networks do with the guide. */
    private static int search(RadixGuide guide, long[] keys, long key) {
        if (guide.belowAll(key)) {
            return -1;
        }
        int bucket = guide.bucket(key);
        int low = guide.from(bucket);
        int high = guide.to(bucket) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (keys[mid] <= key) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high;
    }

    private static int linear(long[] keys, long key) {
        int last = -1;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] <= key) {
                last = i;
            }
        }
        return last;
    }
}
