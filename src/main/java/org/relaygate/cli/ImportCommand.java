package org.relaygate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.relaygate.importing.CsvImport;
import org.relaygate.importing.ImportLineException;
import org.relaygate.importing.PostfixDefaults;
import org.relaygate.importing.PostfixImport;
import org.relaygate.registry.BulkImport;
import org.relaygate.registry.Registry;
import org.relaygate.registry.RegistrationImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import FILE}: many registrations at once, all or nothing. The whole file is read and
 * validated first (register's rules, each refusal naming the line), then checked against the
 * registry and written in one transaction; see {@link BulkImport}. No notices are queued.
 */
@Command(name = "import", description = {
        "Import registrations from a file, all or nothing: one bad line and nothing is imported (the error names the line).",
        "csv (default): header " + CsvImport.HEADER + " (addresses separated by spaces; status PENDING, ACTIVE, "
                + "SUSPENDED or REVOKED, empty: PENDING; signed_on YYYY-MM-DD, empty: today).",
        "postfix: a cidr: or access table (192.0.2.0/24 OK) or a mynetworks list; each network becomes an ACTIVE "
                + "registration of --unit and --contact.",
        "Every field is checked as by register, against the registry too. Imported registrations get no notice "
                + "(use notify to tell their contacts). Works while serve runs; serve reloads once it is done."})
final class ImportCommand extends RegistryCommand {

    enum Format { CSV, POSTFIX }

    private static final int PROGRESS_EVERY = 100_000;

    @Parameters(paramLabel = "FILE", description = "The file to import (UTF-8).")
    Path file;

    @Option(names = "--format", paramLabel = "F", defaultValue = "csv", description = "csv or postfix (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--unit", paramLabel = "U", description = "postfix: the unit of every imported registration (required).")
    String unit;

    @Option(names = "--contact", paramLabel = "EMAIL", description = "postfix: the contact of every imported registration (required).")
    String contact;

    @Option(names = "--device", paramLabel = "D", description = "postfix: the device (default: 'imported from FILE').")
    String device;

    @Option(names = "--reason", paramLabel = "R", description = "postfix: the reason (default: 'allowed to relay by Postfix (FILE)').")
    String reason;

    @Option(names = "--signed-by", paramLabel = "NAME", description = "postfix: who signed (default: the actor).")
    String signedBy;

    @Option(names = "--signed-on", paramLabel = "DATE", description = "postfix: when, YYYY-MM-DD (default: today).")
    LocalDate signedOn;

    @Option(names = "--skip-other-actions", description = "postfix: leave out entries whose action is not OK "
            + "(REJECT, DUNNO, ...) instead of refusing the file.")
    boolean skipOtherActions;

    @Option(names = "--dry-run", description = "Check everything, against the registry too, and write nothing.")
    boolean dryRun;

    @Override
    String source() {
        return "import";
    }

    @Override
    void validate() {
        if (format == Format.POSTFIX) {
            List<String> missing = new ArrayList<>();
            if (unit == null) {
                missing.add("--unit");
            }
            if (contact == null) {
                missing.add("--contact");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("--format postfix needs --unit and --contact for the registrations it creates"
                        + " (missing: " + String.join(", ", missing) + ")");
            }
        } else if (unit != null || contact != null || device != null || reason != null || signedBy != null
                || signedOn != null || skipOtherActions) {
            throw new IllegalArgumentException("--unit, --contact, --device, --reason, --signed-by, --signed-on and "
                    + "--skip-other-actions are for --format postfix; a CSV file has its own columns");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
    }

    private long started;

    @Override
    int run(Registry registry) throws IOException {
        started = System.nanoTime();
        RegistrationImport rows = new RegistrationImport(config(), LocalDate.now());
        String skipped = read(rows);
        BulkImport.Result result;
        try {
            result = BulkImport.run(registry.jdbcUrl(), rows, actor(), "file=" + file.getFileName() + ", format="
                    + format.name().toLowerCase(Locale.ROOT), dryRun, this::progress);
        } catch (ImportLineException e) {
            throw refusal(e);
        } catch (RuntimeException e) {
            throw new CommandFailure("import of " + file + " failed, nothing imported: " + ErrorHandler.describe(e), null);
        }
        double seconds = seconds();
        String counts = result.registrations() + (result.registrations() == 1 ? " registration" : " registrations")
                + " (" + result.addresses() + (result.addresses() == 1 ? " address" : " addresses") + ")";
        if (!result.written()) {
            out().println((dryRun ? "dry run: " + counts + " would be imported" : "nothing to import") + " from " + file + skipped);
        } else {
            out().printf(Locale.ROOT, "imported %s from %s as ids %d..%d in %.1f s%s%n", counts, file, result.firstId(),
                    result.lastId(), seconds, skipped);
        }
        return 0;
    }

    /** Reads and validates the whole file; a note on what was left out on purpose (postfix). */
    private String read(RegistrationImport rows) throws IOException {
        try (Reader in = reader()) {
            if (format == Format.CSV) {
                CsvImport.read(in, record -> {
                    rows.add(record);
                    progressRead(rows.registrations());
                });
                return "";
            }
            PostfixDefaults defaults = new PostfixDefaults(unit, contact, device, reason, signedBy != null ? signedBy : actor().name(),
                    signedOn, file.getFileName().toString());
            PostfixImport.Skipped skipped = PostfixImport.read(in, skipOtherActions, entry -> rows.add(defaults.record(entry)));
            return PostfixDefaults.note(skipped);
        } catch (ImportLineException e) {
            throw refusal(e);
        } catch (CharacterCodingException e) {
            throw new CommandFailure(file + ": not UTF-8 text; nothing imported", null);
        } catch (NoSuchFileException e) {
            throw new CommandFailure(file + ": no such file", null);
        }
    }

    private Reader reader() throws IOException {
        // Strict UTF-8: a Latin-1 file must not become registrations with replacement characters.
        return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    private CommandFailure refusal(ImportLineException e) {
        return new CommandFailure(file + " " + e.getMessage() + " (nothing imported)", e);
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void progressRead(int n) {
        if (n % PROGRESS_EVERY == 0) {
            err().printf(Locale.ROOT, "import: %d registrations read and checked (%.1f s)%n", n, seconds());
            err().flush();
        }
    }

    private void progress(int written) {
        if (written % PROGRESS_EVERY == 0) {
            err().printf(Locale.ROOT, "import: %d registrations written (%.1f s)%n", written, seconds());
            err().flush();
        }
    }
}
