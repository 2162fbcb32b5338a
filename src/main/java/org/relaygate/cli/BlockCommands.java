package org.relaygate.cli;

import java.time.Instant;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Postmaster blocks: they beat any registration, and may overlap anything. */
final class BlockCommands {

    private BlockCommands() {
    }

    @Command(name = "block", description = "Block an address or network at once, whatever its registration.")
    static final class Block extends RegistryCommand {
        @Parameters(paramLabel = "ADDR_OR_CIDR", description = "Address or network to block.")
        Cidr cidr;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why (named in the refusal).")
        String reason;

        @Option(names = "--until", paramLabel = "TIME", converter = Converters.Until.class, description = {
                "When the block ends (default: never): 2026-12-01T12:00:00Z, 2026-12-01T12:00 (UTC),",
                "2026-12-01 (start of day UTC), or a duration from now: 90m, 2h, 7d, 2w."})
        Instant until;

        @Override
        int run(Registry registry) {
            BlockEntry b = Futures.await(registry.block(cidr, reason, until, actor()));
            String end = b.expiresAt() == null ? "without end" : "until " + Formats.time(b.expiresAt());
            out().println("blocked " + b.cidr().toDisplayString() + " " + end + " (block " + b.id() + ")");
            return 0;
        }
    }

    @Command(name = "unblock", description = "Remove every block on exactly this address or network.")
    static final class Unblock extends RegistryCommand {
        @Parameters(paramLabel = "ADDR_OR_CIDR", description = "Address or network, as blocked.")
        Cidr cidr;

        @Override
        int run(Registry registry) {
            int removed = Futures.await(registry.unblock(cidr, actor()));
            out().println("unblocked " + cidr.toDisplayString() + " (" + removed + (removed == 1 ? " block" : " blocks") + " removed)");
            return 0;
        }
    }

    @Command(name = "blocks", description = "List blocks with their expiry; expired ones are marked EXPIRED.")
    static final class Blocks extends RegistryCommand {
        @Override
        int run(Registry registry) {
            out().print(Formats.blocks(Futures.await(registry.blocks()), Instant.now()).render());
            return 0;
        }
    }
}
