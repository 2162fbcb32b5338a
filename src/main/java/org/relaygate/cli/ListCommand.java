package org.relaygate.cli;

import java.util.List;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List registrations: a table, or with --json every field for scripts.")
final class ListCommand extends RegistryCommand {

    @Option(names = "--status", paramLabel = "S", description = "Only this status: PENDING, ACTIVE, SUSPENDED or REVOKED.")
    RegistrationStatus status;

    @Option(names = "--json", description = "A JSON array of objects with every field.")
    boolean json;

    @Override
    int run(Registry registry) {
        List<Registration> registrations = Futures.await(registry.list(status));
        if (json) {
            out().println(RegistrationJson.toJson(registrations));
        } else {
            out().print(Formats.registrations(registrations).render());
        }
        return 0;
    }
}
