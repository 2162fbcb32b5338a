package org.relaygate.policy;

/** A stable merge sort of the indexes 0..n-1, comparing by index so no boxing is needed. */
final class StableSort {

    @FunctionalInterface
    interface IndexComparator {
        int compare(int a, int b);
    }

    private StableSort() {
    }

    static int[] sort(int n, IndexComparator cmp) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int left = 0; left < n - width; left += 2 * width) {
                int mid = left + width;
                int right = Math.min(left + 2 * width, n);
                if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
                    continue; // already in order: common for sorted input
                }
                int i = left;
                int j = mid;
                int k = left;
                while (i < mid && j < right) {
                    tmp[k++] = cmp.compare(a[i], a[j]) <= 0 ? a[i++] : a[j++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < right) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, left, a, left, right - left);
            }
        }
        return a;
    }
}
