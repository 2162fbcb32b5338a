package org.relaygate.registry;

/** The two kinds of listed ranges: where registration is allowed, and DHCP pools where it never is. */
public enum NetworkKind {
    INSTITUTION("institution_networks"), DYNAMIC_POOL("dynamic_pools");

    private final String table;

    NetworkKind(String table) {
        this.table = table;
    }

    public String table() {
        return table;
    }
}
