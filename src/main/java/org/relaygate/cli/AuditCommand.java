package org.relaygate.cli;

import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Show the audit log, newest first: who changed what, when, from the CLI or plain SQL.")
final class AuditCommand extends RegistryCommand {

    static final int MAX_LIMIT = 100_000;

    @Option(names = "--registration", paramLabel = "ID", description = "Only changes to this registration.")
    Long registration;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    void validate() {
        checkLimit(limit, "--limit", 1);
    }

    @Override
    int run(Registry registry) {
        out().print(Formats.audit(Futures.await(registry.audit(registration, limit))).render());
        return 0;
    }

    static void checkLimit(int n, String option, int min) {
        if (n < min || n > MAX_LIMIT) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + MAX_LIMIT + ", not " + n);
        }
    }
}
