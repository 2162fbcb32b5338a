package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The radix sort against the JDK's stable sort of boxed indexes, on keys with many ties and both signs. */
class StableSortTest {

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {0, 1, 2, 17, 5_000, 70_000})
    void ordersLikeAComparatorStableSort(int n) {
        Random r = new Random(n);
        long[] a = new long[n];
        long[] b = new long[n];
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            // few distinct high keys so the later keys decide; negative values are large unsigned ones
            a[i] = r.nextInt(4) == 0 ? Long.MIN_VALUE + r.nextInt(3) : r.nextInt(5) - 2;
            b[i] = r.nextBoolean() ? r.nextLong() : r.nextInt(3) << 20;
            c[i] = r.nextInt(3);
        }
        Comparator<Integer> byKeys = Comparator.<Integer, Long>comparing(i -> a[i], Long::compareUnsigned)
                .thenComparing(i -> b[i], Long::compareUnsigned)
                .thenComparing(i -> c[i], Long::compareUnsigned);
        int[] expected = IntStream.range(0, n).boxed().sorted(byKeys).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, StableSort.byUnsignedKeys(n, a, b, c));
    }
}
