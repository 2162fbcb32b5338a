package org.relaygate.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the registry for decisions: live registrations, revoked ones (kept so a
 * former user gets the revoked text, not the unknown one) and blocks, each in its own index.
 * Built off the request path and swapped in whole.
 *
 * <p>A snapshot from {@link #build} holds everything in its base indexes. {@link #withChanges}
 * makes a successor that shares those (large, immutable) indexes and adds a small
 * {@link SnapshotOverlay} of the registrations changed since: it answers exactly as a
 * {@link #build} of the same final rows would, at the cost of a few entries instead of a rebuild.
 */
public final class Snapshot {

    /**
     * Which of two registrations on the same network decides: the more restrictive status
     * (SUSPENDED over PENDING over ACTIVE; among revoked ones all are equal), then the higher
     * registration id, so the answer never depends on the order rows were read in.
     */
    static final Comparator<RegisteredAddress> STRENGTH = Comparator
            .comparingInt((RegisteredAddress a) -> restrictiveness(a.status()))
            .thenComparingLong(RegisteredAddress::registrationId);

    private final long revision;
    private final Instant loadedAt;
    private final CidrIndex<RegisteredAddress> live;
    private final CidrIndex<RegisteredAddress> revoked;
    private final CidrIndex<Block> blocks;
    private final boolean institutionNetworksConfigured;
    private final SnapshotOverlay overlay;

    private Snapshot(long revision, Instant loadedAt, Indexes base, CidrIndex<Block> blocks,
                     boolean institutionNetworksConfigured, SnapshotOverlay overlay) {
        this.revision = revision;
        this.loadedAt = loadedAt;
        this.live = base.live();
        this.revoked = base.revoked();
        this.blocks = blocks;
        this.institutionNetworksConfigured = institutionNetworksConfigured;
        this.overlay = overlay;
    }

    /** A snapshot that knows nobody: every client is refused. */
    public static Snapshot empty() {
        return new Snapshot(-1, Instant.EPOCH, Indexes.of(List.of()), CidrIndex.empty(), false, SnapshotOverlay.NONE);
    }

    /**
     * Builds a snapshot. Where plain SQL has put two registrations on the same network, the most
     * restrictive status wins (SUSPENDED over PENDING over ACTIVE): an overlap never grants more.
     */
    public static Snapshot build(long revision, Instant loadedAt, Collection<RegisteredAddress> addresses,
                                 Collection<Block> blocks, boolean institutionNetworksConfigured) {
        return new Snapshot(revision, loadedAt, Indexes.of(addresses), blockIndex(blocks),
                institutionNetworksConfigured, SnapshotOverlay.NONE);
    }

    /**
     * This snapshot with some registrations replaced by their current networks, read at
     * {@code revision}. {@code registrations} maps each changed registration id to ALL its networks
     * now (empty when it has none or was deleted); {@code blocks} is the whole current block list,
     * or null when blocks did not change.
     */
    public Snapshot withChanges(long revision, Instant loadedAt,
                                Map<Long, ? extends Collection<RegisteredAddress>> registrations,
                                Collection<Block> blocks, boolean institutionNetworksConfigured) {
        return new Snapshot(revision, loadedAt, new Indexes(live, revoked),
                blocks == null ? this.blocks : blockIndex(blocks), institutionNetworksConfigured,
                overlay.with(registrations));
    }

    /** Number of registrations replaced since the last full build (0 for a built snapshot). */
    public int changedRegistrations() {
        return overlay.registrations();
    }

    private static CidrIndex<Block> blockIndex(Collection<Block> blocks) {
        List<CidrIndex.Entry<Block>> entries = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            entries.add(new CidrIndex.Entry<>(b.cidr(), b));
        }
        return CidrIndex.build(entries);
    }

    private static int restrictiveness(RegistrationStatus status) {
        return switch (status) {
            case REVOKED -> 0;
            case ACTIVE -> 1;
            case PENDING -> 2;
            case SUSPENDED -> 3;
        };
    }

    /** The block in force for the address at the given time, most specific first; null when none. */
    public Block activeBlock(IpAddress address, Instant now) {
        Block top = blocks.longestMatch(address);
        if (top == null || top.activeAt(now)) {
            return top; // the usual case, without listing every covering block
        }
        for (CidrIndex.Entry<Block> e : blocks.matches(address)) {
            if (e.value().activeAt(now)) {
                return e.value();
            }
        }
        return null;
    }

    /** The live registration owning the address, else a revoked one that did; null when unknown. */
    public RegisteredAddress registration(IpAddress address) {
        if (overlay.isEmpty()) {
            RegisteredAddress found = live.longestMatch(address);
            return found != null ? found : revoked.longestMatch(address);
        }
        RegisteredAddress found = decide(live, overlay.live(), address);
        return found != null ? found : decide(revoked, overlay.revoked(), address);
    }

    /** The more specific of the base's best unmasked entry and the overlay's; on one network, the stronger. */
    private RegisteredAddress decide(CidrIndex<RegisteredAddress> base, CidrIndex<RegisteredAddress> changed,
                                     IpAddress address) {
        RegisteredAddress b = unmasked(base, address);
        RegisteredAddress o = changed.longestMatch(address);
        if (b == null || o == null) {
            return b != null ? b : o;
        }
        int lengthB = b.cidr().prefixLength();
        int lengthO = o.cidr().prefixLength();
        if (lengthB != lengthO) {
            return lengthB > lengthO ? b : o;
        }
        return STRENGTH.compare(b, o) > 0 ? b : o;
    }

    /** The base's most specific entry whose registration the overlay does not replace. */
    private RegisteredAddress unmasked(CidrIndex<RegisteredAddress> base, IpAddress address) {
        RegisteredAddress top = base.longestMatch(address);
        if (top == null || !overlay.masks(top.registrationId())) {
            return top;
        }
        // Rare: the address is in a changed registration's old network; walk to the next one out.
        for (CidrIndex.Entry<RegisteredAddress> e : base.matches(address)) {
            if (!overlay.masks(e.value().registrationId())) {
                return e.value();
            }
        }
        return null;
    }

    public long revision() {
        return revision;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /**
     * Number of live registration networks. After {@link #withChanges} an upper bound: the changed
     * registrations' networks from the last full build still count until the next one.
     */
    public int liveEntries() {
        return live.size() + overlay.live().size();
    }

    /** Number of revoked registration networks; an upper bound like {@link #liveEntries()}. */
    public int revokedEntries() {
        return revoked.size() + overlay.revoked().size();
    }

    public int blockEntries() {
        return blocks.size();
    }

    public boolean institutionNetworksConfigured() {
        return institutionNetworksConfigured;
    }

    /** The live and the revoked index of a set of registration networks. */
    record Indexes(CidrIndex<RegisteredAddress> live, CidrIndex<RegisteredAddress> revoked) {

        /** Sorted weakest first: for equal networks CidrIndex lets the later entry win. */
        static Indexes of(Collection<RegisteredAddress> addresses) {
            List<RegisteredAddress> sorted = new ArrayList<>(addresses);
            sorted.sort(STRENGTH);
            List<CidrIndex.Entry<RegisteredAddress>> live = new ArrayList<>();
            List<CidrIndex.Entry<RegisteredAddress>> revoked = new ArrayList<>();
            for (RegisteredAddress a : sorted) {
                (a.status().live() ? live : revoked).add(new CidrIndex.Entry<>(a.cidr(), a));
            }
            return new Indexes(CidrIndex.build(live), CidrIndex.build(revoked));
        }
    }
}
