package org.relaygate.cli;

import org.relaygate.policy.LimitSettings;
import org.relaygate.policy.Limits;
import org.relaygate.policy.RegistrationLimits;
import org.relaygate.registry.LimitChange;
import org.relaygate.registry.Registry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Shows a registration's rate limits in force, or changes its own: a value replaces that limit
 * (0: no limit), {@code --default} puts all three back to the service-wide defaults. Changes are
 * audited by the triggers like every other change, and make the running server count afresh.
 */
@Command(name = "limits", description = "Show a registration's rate limits, or set its own (0 = no limit; --default: the service-wide ones).")
final class LimitsCommand extends RegistryCommand {

    @Parameters(paramLabel = "ID", description = "Registration id.")
    long id;

    @Option(names = "--messages-per-hour", paramLabel = "N", description = "Messages per limits.window (1h by default).")
    Integer messagesPerHour;

    @Option(names = "--recipients-per-message", paramLabel = "N", description = "Recipients in one message.")
    Integer recipientsPerMessage;

    @Option(names = "--recipients-per-hour", paramLabel = "N", description = "Recipients per limits.window (1h by default).")
    Integer recipientsPerHour;

    @Option(names = "--default", description = "Use the service-wide defaults again for all three.")
    boolean toDefaults;

    @Override
    void validate() {
        boolean any = messagesPerHour != null || recipientsPerMessage != null || recipientsPerHour != null;
        if (toDefaults && any) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--default goes alone: it resets all three limits");
        }
        for (Integer n : new Integer[] {messagesPerHour, recipientsPerMessage, recipientsPerHour}) {
            if (n != null && (n < 0 || n > LimitChange.MAX)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "a limit must be between 0 (no limit) and " + LimitChange.MAX + ", not " + n);
            }
        }
    }

    @Override
    int run(Registry registry) {
        boolean change = toDefaults || messagesPerHour != null || recipientsPerMessage != null || recipientsPerHour != null;
        RegistrationLimits own = change
                ? Futures.await(registry.setLimits(id, new LimitChange(messagesPerHour, recipientsPerMessage, recipientsPerHour,
                        toDefaults), actor()))
                : Futures.await(registry.limits(id));
        out().print(render(id, own, config().limits()));
        return 0;
    }

    /** The limits in force, each with where it comes from; 0 shows as "none". */
    static String render(long id, RegistrationLimits own, LimitSettings settings) {
        Limits in = own.effective(settings.defaults());
        Table t = new Table("LIMIT", "VALUE", "FROM")
                .row("messages per hour", shown(in.messagesPerHour()), from(own.messagesPerHour()))
                .row("recipients per message", shown(in.recipientsPerMessage()), from(own.recipientsPerMessage()))
                .row("recipients per hour", shown(in.recipientsPerHour()), from(own.recipientsPerHour()));
        String window = settings.windowText();
        return "registration " + id + " (\"per hour\" counts over limits.window = " + window + ")\n" + t.render();
    }

    private static String shown(int limit) {
        return limit == 0 ? "none" : Integer.toString(limit);
    }

    private static String from(Integer own) {
        return own == null ? "default" : "own";
    }
}
