package org.relaygate.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable view of the registry for decisions: live registrations, revoked ones (kept so a
 * former user gets the revoked text, not the unknown one) and blocks, each in its own index.
 * Built off the request path and swapped in whole.
 */
public final class Snapshot {

    private final long revision;
    private final Instant loadedAt;
    private final CidrIndex<RegisteredAddress> live;
    private final CidrIndex<RegisteredAddress> revoked;
    private final CidrIndex<Block> blocks;
    private final boolean institutionNetworksConfigured;

    private Snapshot(long revision, Instant loadedAt, CidrIndex<RegisteredAddress> live,
                     CidrIndex<RegisteredAddress> revoked, CidrIndex<Block> blocks,
                     boolean institutionNetworksConfigured) {
        this.revision = revision;
        this.loadedAt = loadedAt;
        this.live = live;
        this.revoked = revoked;
        this.blocks = blocks;
        this.institutionNetworksConfigured = institutionNetworksConfigured;
    }

    /** A snapshot that knows nobody: every client is refused. */
    public static Snapshot empty() {
        return new Snapshot(-1, Instant.EPOCH, CidrIndex.empty(), CidrIndex.empty(), CidrIndex.empty(), false);
    }

    /**
     * Builds a snapshot. Where plain SQL has put two registrations on the same network, the most
     * restrictive status wins (SUSPENDED over PENDING over ACTIVE): an overlap never grants more.
     */
    public static Snapshot build(long revision, Instant loadedAt, Collection<RegisteredAddress> addresses,
                                 Collection<Block> blocks, boolean institutionNetworksConfigured) {
        List<CidrIndex.Entry<RegisteredAddress>> live = new ArrayList<>();
        List<CidrIndex.Entry<RegisteredAddress>> revoked = new ArrayList<>();
        List<RegisteredAddress> sorted = new ArrayList<>(addresses);
        sorted.sort(Comparator.comparingInt(Snapshot::permissiveness).reversed());
        for (RegisteredAddress a : sorted) {
            (a.status().live() ? live : revoked).add(new CidrIndex.Entry<>(a.cidr(), a));
        }
        List<CidrIndex.Entry<Block>> blockEntries = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            blockEntries.add(new CidrIndex.Entry<>(b.cidr(), b));
        }
        return new Snapshot(revision, loadedAt, CidrIndex.build(live), CidrIndex.build(revoked),
                CidrIndex.build(blockEntries), institutionNetworksConfigured);
    }

    private static int permissiveness(RegisteredAddress a) {
        return switch (a.status()) {
            case ACTIVE -> 3;
            case PENDING -> 2;
            case SUSPENDED -> 1;
            case REVOKED -> 0;
        };
    }

    /** The block in force for the address at the given time, most specific first; null when none. */
    public Block activeBlock(IpAddress address, Instant now) {
        for (CidrIndex.Entry<Block> e : blocks.matches(address)) {
            if (e.value().activeAt(now)) {
                return e.value();
            }
        }
        return null;
    }

    /** The live registration owning the address, else a revoked one that did; null when unknown. */
    public RegisteredAddress registration(IpAddress address) {
        RegisteredAddress found = live.longestMatch(address);
        return found != null ? found : revoked.longestMatch(address);
    }

    public long revision() {
        return revision;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Number of live registration networks. */
    public int liveEntries() {
        return live.size();
    }

    public int revokedEntries() {
        return revoked.size();
    }

    public int blockEntries() {
        return blocks.size();
    }

    public boolean institutionNetworksConfigured() {
        return institutionNetworksConfigured;
    }
}
