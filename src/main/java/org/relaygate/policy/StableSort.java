package org.relaygate.policy;

import java.util.Arrays;

/**
 * A stable sort of the indexes 0..n-1 by unsigned 64-bit keys: a least-significant-digit radix sort
 * with 16-bit digits, so no comparator, no boxing and linear time (a million IPv6 networks in tens of
 * milliseconds, where a comparator merge sort took most of a second). A digit that is the same for
 * every index (the high bits of prefix lengths, the host part of networks) costs one counting pass.
 */
final class StableSort {

    private static final int DIGIT_BITS = 16;
    private static final int BUCKETS = 1 << DIGIT_BITS;

    private StableSort() {
    }

    /** The indexes ordered by keys[0][i] (unsigned), then keys[1][i], and so on; ties keep index order. */
    static int[] byUnsignedKeys(int n, long[]... keys) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] tmp = new int[n];
        int[] start = new int[BUCKETS];
        for (int k = keys.length - 1; k >= 0; k--) {
            long[] key = keys[k];
            for (int shift = 0; shift < Long.SIZE; shift += DIGIT_BITS) {
                if (!countDigits(key, n, shift, start)) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int index = order[i];
                    tmp[start[digit(key[index], shift)]++] = index;
                }
                int[] swap = order;
                order = tmp;
                tmp = swap;
            }
        }
        return order;
    }

    /** Fills start[] with where each digit's run begins; false when one digit covers everything. */
    private static boolean countDigits(long[] key, int n, int shift, int[] start) {
        Arrays.fill(start, 0);
        for (int i = 0; i < n; i++) {
            start[digit(key[i], shift)]++;
        }
        int sum = 0;
        for (int d = 0; d < BUCKETS; d++) {
            int c = start[d];
            if (c == n) {
                return false;
            }
            start[d] = sum;
            sum += c;
        }
        return true;
    }

    private static int digit(long key, int shift) {
        return (int) (key >>> shift) & (BUCKETS - 1);
    }
}
