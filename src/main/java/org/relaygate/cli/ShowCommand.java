package org.relaygate.cli;

import java.time.Instant;
import java.util.List;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.Registration;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show every field of one registration, its addresses, the blocks on them (and when they end), its rate limits and its latest audit entries.")
final class ShowCommand extends RegistryCommand {

    @Parameters(paramLabel = "ID", description = "Registration id.")
    long id;

    @Option(names = "--audit", paramLabel = "N", defaultValue = "10", description = "How many audit entries (default: ${DEFAULT-VALUE}).")
    int auditEntries;

    @Override
    void validate() {
        AuditCommand.checkLimit(auditEntries, "--audit", 0);
    }

    @Override
    int run(Registry registry) {
        Registration r = Futures.await(registry.get(id));
        List<AuditEntry> audit = auditEntries == 0 ? List.of() : Futures.await(registry.audit(id, auditEntries));
        List<BlockEntry> blocks = Futures.await(registry.blocks()).stream()
                .filter(b -> r.addresses().stream().anyMatch(a -> a.overlaps(b.cidr())))
                .toList();
        String limits = "limits: " + LimitsCommand.render(id, Futures.await(registry.limits(id)), config().limits());
        out().print(Formats.show(r, audit, Formats.blocksOn(blocks, Instant.now()) + limits));
        return 0;
    }
}
