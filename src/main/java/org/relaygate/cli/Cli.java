package org.relaygate.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Builds and runs the command line; {@code Main} and the in-process tests both come through here. */
public final class Cli {

    private Cli() {
    }

    /** A fresh command line writing to the given streams, for one run. */
    public static CommandLine commandLine(Map<String, String> environment, PrintWriter out, PrintWriter err) {
        ErrorHandler errors = new ErrorHandler();
        CommandLine cmd = new CommandLine(new RelaygateCommand(environment));
        cmd.setOut(out);
        cmd.setErr(err);
        Converters.registerAll(cmd);
        cmd.setParameterExceptionHandler(errors);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setExecutionStrategy(parsed -> {
            if (isServe(parsed)) {
                return new CommandLine.RunLast().execute(parsed);
            }
            try (Logging.Restore quiet = Logging.warningsOnly(environment)) {
                return new CommandLine.RunLast().execute(parsed);
            }
        });
        return cmd;
    }

    /** Runs one command and returns its exit code: 0 done, 1 refused or failed, 2 usage error. */
    public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        try {
            return commandLine(environment, out, err).execute(args);
        } catch (RuntimeException | Error e) {
            // Outside picocli's handlers (building the command line itself): still one line.
            err.println("relaygate: " + ErrorHandler.describe(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static boolean isServe(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.subcommand() != null) {
            last = last.subcommand();
        }
        return last.commandSpec().userObject() instanceof ServeCommand;
    }
}
