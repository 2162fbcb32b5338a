package org.relaygate.cli;

import java.util.List;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Plain SQL on the registry, audited with source {@code sql}; the running server sees changes within 2 s. */
@Command(name = "sql", description = {
        "Run one SQL statement on the registry and print the result.",
        "A query prints as a table, anything else as 'N rows affected'. Changes are audited with source 'sql'; "
                + "a running server sees them within 2 s."})
final class SqlCommand extends RegistryCommand {

    @Parameters(paramLabel = "STATEMENT", arity = "1..*", description = "The statement, quoted as one argument.")
    List<String> statement;

    @Override
    String source() {
        return "sql";
    }

    @Override
    void validate() {
        if (statement.size() > 1) {
            // The shell split it (and may have expanded a *): refuse rather than guess.
            throw new IllegalArgumentException("quote the statement as one argument, e.g. relaygate sql \"SELECT * FROM registrations\"");
        }
    }

    @Override
    int run(Registry registry) {
        out().print(Formats.sql(Futures.await(registry.sql(statement.get(0), actor()))));
        return 0;
    }
}
