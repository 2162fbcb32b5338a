package org.relaygate.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.relaygate.spool.QueueAdmin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code queue list|show|retry|delete}: the relay's spool, through {@link QueueAdmin}. No registry and
 * no Vert.x: the spool is plain files, and while {@code serve} runs QueueAdmin asks it to make the
 * change, so only one process ever changes a queued message.
 */
final class QueueCommands {

    private QueueCommands() {
    }

    @Command(name = "queue", description = "The relay's queue: list, show, retry or delete messages (also while serve runs).",
            synopsisSubcommandLabel = "(list | show | retry | delete)",
            subcommands = {ListQueue.class, Show.class, Retry.class, Delete.class})
    static final class Queue implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--spool", scope = ScopeType.INHERIT, paramLabel = "DIR",
                description = "The spool directory (default: spool.dir from the configuration, ./data/spool).")
        String spool;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, show, retry or delete");
        }
    }

    /** One queue command: finds the spool (--spool, else spool.dir), then does its work on it. */
    abstract static class QueueCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        Queue queue;

        abstract void run(QueueAdmin admin, PrintWriter out);

        @Override
        public final Integer call() {
            Path dir = spoolDir();
            if (!Files.isDirectory(dir)) {
                throw new CommandFailure("no spool at " + dir + ": give --spool DIR or set spool.dir"
                        + " (serve creates it when the relay runs)", null);
            }
            PrintWriter out = spec.commandLine().getOut();
            try {
                run(new QueueAdmin(dir), out);
            } catch (java.io.UncheckedIOException e) {
                throw new CommandFailure(describe(e), e);
            } catch (IllegalStateException | java.util.NoSuchElementException e) {
                throw new CommandFailure(describe(e), e);
            }
            out.flush();
            return 0;
        }

        private Path spoolDir() {
            RelaygateCommand root = (RelaygateCommand) spec.root().userObject();
            Map<String, String> flags = new HashMap<>();
            flags.put("spool.dir", queue.spool);
            return Path.of(root.configWith(flags).delivery().spoolDir());
        }

        private static String describe(Throwable e) {
            return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Command(name = "list", description = "List queued messages: id, age, sender, recipients still to deliver, size, next attempt, last error.")
    static final class ListQueue extends QueueCommand {
        @Override
        void run(QueueAdmin admin, PrintWriter out) {
            out.print(Formats.queue(admin.list()).render());
        }
    }

    @Command(name = "show", description = "Show one message: envelope, each recipient's status and the message's headers.")
    static final class Show extends QueueCommand {
        @Parameters(paramLabel = "ID", description = "Queue id, as in the 250 reply to DATA and in `queue list`.")
        String id;

        @Override
        void run(QueueAdmin admin, PrintWriter out) {
            String text = admin.show(id);
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
    }

    @Command(name = "retry", description = "Attempt delivery now: one message, or every queued message when no ID is given.")
    static final class Retry extends QueueCommand {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "Queue id (default: every message).")
        String id;

        @Override
        void run(QueueAdmin admin, PrintWriter out) {
            int n = admin.retry(id);
            out.println(id == null ? "retrying " + n + (n == 1 ? " message" : " messages") : "retrying " + id);
        }
    }

    @Command(name = "delete", description = "Remove one message from the queue without delivering it or sending a bounce.")
    static final class Delete extends QueueCommand {
        @Parameters(paramLabel = "ID", description = "Queue id.")
        String id;

        @Override
        void run(QueueAdmin admin, PrintWriter out) {
            admin.delete(id);
            out.println("deleted " + id);
        }
    }
}
