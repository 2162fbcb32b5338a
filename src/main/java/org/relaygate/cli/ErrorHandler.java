package org.relaygate.cli;

import org.relaygate.policy.Text;
import org.relaygate.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Every failure becomes exactly one line on stderr, {@code relaygate: <message>}, and a non-zero
 * exit: 2 for a usage error (picocli's convention), 1 for a refusal or failure. Never a stack
 * trace: an unexpected exception shows its class, and its detail goes to the log at DEBUG.
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        cmd.getErr().println("relaygate: " + message(ex) + " (see '" + help + "')");
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        cmd.getErr().println("relaygate: " + describe(ex));
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /** The user's message for an expected failure; class and message for anything else. */
    static String describe(Throwable ex) {
        if (ex instanceof RegistryException || ex instanceof IllegalArgumentException || ex instanceof CommandFailure) {
            return message(ex);
        }
        log.debug("unexpected failure", ex);
        return "unexpected error: " + ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + message(ex))
                + " (set RELAYGATE_LOG_LEVEL=DEBUG for detail)";
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : Text.oneLine(m).strip();
    }
}
