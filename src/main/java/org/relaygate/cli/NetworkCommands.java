package org.relaygate.cli;

import java.util.concurrent.Callable;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.NetworkEntry;
import org.relaygate.registry.NetworkKind;
import org.relaygate.registry.Registry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code networks} (institution networks: the only ranges that may be registered) and {@code pools}
 * (DHCP ranges that may never be registered) share the same add/list/remove subcommands.
 */
final class NetworkCommands {

    private NetworkCommands() {
    }

    /** A group of the three subcommands over one kind of listed range. */
    abstract static class Group implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        abstract NetworkKind kind();

        abstract String noun();

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: add, list or remove");
        }
    }

    @Command(name = "networks", description = "Institution networks: the only ranges that may be registered.",
            synopsisSubcommandLabel = "(add | list | remove)", subcommands = {Add.class, ListNetworks.class, Remove.class})
    static final class Networks extends Group {
        @Override
        NetworkKind kind() {
            return NetworkKind.INSTITUTION;
        }

        @Override
        String noun() {
            return "institution network";
        }
    }

    @Command(name = "pools", description = "Dynamic (DHCP) pools: ranges that may never be registered.",
            synopsisSubcommandLabel = "(add | list | remove)", subcommands = {Add.class, ListNetworks.class, Remove.class})
    static final class Pools extends Group {
        @Override
        NetworkKind kind() {
            return NetworkKind.DYNAMIC_POOL;
        }

        @Override
        String noun() {
            return "dynamic pool";
        }
    }

    @Command(name = "add", description = "Add a range.")
    static final class Add extends RegistryCommand {
        @ParentCommand
        Group group;

        @Parameters(paramLabel = "CIDR", description = "The range, e.g. 192.0.2.0/24 or 2001:db8::/48.")
        Cidr cidr;

        @Option(names = "--description", paramLabel = "D", description = "What the range is.")
        String description;

        @Override
        int run(Registry registry) {
            NetworkEntry n = Futures.await(registry.addNetwork(group.kind(), cidr, description, actor()));
            out().println("added " + group.noun() + " " + n.cidr());
            return 0;
        }
    }

    @Command(name = "list", description = "List the ranges.")
    static final class ListNetworks extends RegistryCommand {
        @ParentCommand
        Group group;

        @Override
        int run(Registry registry) {
            out().print(Formats.networks(Futures.await(registry.networks(group.kind()))).render());
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove exactly this range.")
    static final class Remove extends RegistryCommand {
        @ParentCommand
        Group group;

        @Parameters(paramLabel = "CIDR", description = "The range, as listed.")
        Cidr cidr;

        @Override
        int run(Registry registry) {
            Futures.await(registry.removeNetwork(group.kind(), cidr, actor()));
            out().println("removed " + group.noun() + " " + cidr);
            return 0;
        }
    }
}
