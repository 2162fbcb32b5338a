package org.relaygate.cli;

import org.relaygate.policy.Text;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The life of a registration: approve, suspend, revoke. Each prints the new state. */
final class StatusCommands {

    private StatusCommands() {
    }

    static String describe(Registration r) {
        String why = r.statusReason() == null || r.statusReason().isBlank() ? "" : ": " + Text.oneLine(r.statusReason());
        return "registration " + r.id() + " is " + r.status() + why;
    }

    @Command(name = "approve", description = "Approve a PENDING (or SUSPENDED) registration: its addresses may relay.")
    static final class Approve extends RegistryCommand {
        @Parameters(paramLabel = "ID", description = "Registration id.")
        long id;

        @Override
        int run(Registry registry) {
            out().println(describe(Futures.await(registry.approve(id, actor()))));
            return 0;
        }
    }

    @Command(name = "suspend", description = "Suspend a registration: its addresses are refused until approved again.")
    static final class Suspend extends RegistryCommand {
        @Parameters(paramLabel = "ID", description = "Registration id.")
        long id;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why (shown to the client's users).")
        String reason;

        @Override
        int run(Registry registry) {
            out().println(describe(Futures.await(registry.suspend(id, reason, actor()))));
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a registration for good; its addresses may be registered again.")
    static final class Revoke extends RegistryCommand {
        @Parameters(paramLabel = "ID", description = "Registration id.")
        long id;

        @Option(names = "--reason", paramLabel = "R", description = "Why.")
        String reason;

        @Override
        int run(Registry registry) {
            out().println(describe(Futures.await(registry.revoke(id, reason, actor()))));
            return 0;
        }
    }
}
