package org.relaygate.policy;

/**
 * The networks of one address family for {@link CidrIndex}, sorted by first address (wider first at
 * the same address, input order last): values, parents and prefix lengths by sorted position. A
 * parent is the nearest network that contains this one and is not the same network.
 */
abstract class SortedNetworks {

    final Object[] values;
    final int[] parent;
    final byte[] length;

    SortedNetworks(int n) {
        values = new Object[n];
        parent = new int[n];
        length = new byte[n];
    }

    abstract boolean sameNetwork(int a, int b);

    /** True when network a contains the first address of network b. */
    abstract boolean containsFirst(int a, int b);

    abstract Cidr cidr(int i);

    /**
     * Fills {@code parent} from the sorted networks: a stack of open networks, each inside the one
     * below it. A duplicate replaces the top (so a parent is always the last of its duplicates).
     */
    final void link() {
        int[] stack = new int[130];
        int depth = 0;
        for (int i = 0; i < parent.length; i++) {
            while (depth > 0 && !containsFirst(stack[depth - 1], i)) {
                depth--;
            }
            if (depth > 0 && sameNetwork(stack[depth - 1], i)) {
                depth--;
            }
            parent[i] = depth == 0 ? -1 : stack[depth - 1];
            stack[depth++] = i;
        }
    }
}
