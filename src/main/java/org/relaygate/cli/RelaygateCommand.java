package org.relaygate.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.registry.Actor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command. Its options are inherited by every subcommand, so {@code --db}, {@code --config}
 * and {@code --actor} may stand anywhere: before the command name or among the command's options.
 */
@Command(name = "relaygate",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = RelaygateCommand.Version.class,
        description = "Registered-IP mail relay: Postfix policy server, relay registry and SMTP relay.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            CommandLine.HelpCommand.class,
            ServeCommand.class,
            HashPasswordCommand.class,
            RegisterCommand.class,
            ImportCommand.class,
            StatusCommands.Approve.class,
            StatusCommands.Suspend.class,
            StatusCommands.Revoke.class,
            LimitsCommand.class,
            BlockCommands.Block.class,
            BlockCommands.Unblock.class,
            BlockCommands.Blocks.class,
            ListCommand.class,
            ShowCommand.class,
            CheckCommand.class,
            NetworkCommands.Networks.class,
            NetworkCommands.Pools.class,
            AuditCommand.class,
            SqlCommand.class,
            NotifyCommand.class,
            QueueCommands.Queue.class,
        })
public final class RelaygateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "DIR_OR_JDBC_URL",
            description = "Registry: a directory for the embedded H2 file, or a JDBC URL (default: ./data).")
    String db;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Properties file with relaygate settings (default: $RELAYGATE_CONFIG, if set).")
    Path configFile;

    @Option(names = "--actor", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Who is making the change, for the audit log (default: the OS user).")
    String actor;

    private final Map<String, String> environment;

    public RelaygateCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Map<String, String> environment() {
        return environment;
    }

    /** The one configuration: defaults, file, environment, then these flags (null when not given). */
    RelaygateConfig config(String policyListen) {
        Map<String, String> flags = new HashMap<>();
        flags.put("policy.listen", policyListen);
        return configWith(flags);
    }

    /** The configuration with a command's own flags (keys as in RelaygateConfig.DEFAULTS, null when not given) and --db. */
    RelaygateConfig configWith(Map<String, String> commandFlags) {
        Map<String, String> flags = new HashMap<>(commandFlags);
        flags.put("db", db);
        return RelaygateConfig.load(configFile, environment, flags);
    }

    /** The actor recorded in the audit log: --actor, else the OS user. */
    Actor actor(String source) {
        String name = actor != null ? actor.strip() : System.getProperty("user.name", "");
        if (name.isEmpty()) {
            throw new IllegalArgumentException(actor != null ? "--actor must not be empty" : "cannot tell who you are: give --actor NAME");
        }
        return new Actor(name, source);
    }

    /** The version from the jar's manifest, when the build put one there. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RelaygateCommand.class.getPackage().getImplementationVersion();
            return new String[] {"relaygate " + (v == null ? "(development build)" : v)};
        }
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
