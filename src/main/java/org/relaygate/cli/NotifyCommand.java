package org.relaygate.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notify}: queues one message per distinct contact address of the registrations with a
 * status in the registry's outbox, in one transaction, audited; the running {@code serve} sends
 * them (this process never sends mail itself).
 */
@Command(name = "notify", description = {
        "Queue a message to every contact of the registrations with a status (default ACTIVE):",
        "one message per distinct contact address. The running serve sends them."})
final class NotifyCommand extends RegistryCommand {

    /** Bytes read at most: the registry takes 100,000 characters, which UTF-8 may need 4 bytes each for. */
    private static final long MAX_FILE = 400_000;

    @Option(names = "--subject", required = true, paramLabel = "S", description = "The subject (one line).")
    String subject;

    @Option(names = "--body-file", required = true, paramLabel = "FILE", description = "The message text (UTF-8), sent as it is.")
    Path bodyFile;

    @Option(names = "--status", paramLabel = "S", defaultValue = "ACTIVE",
            description = "Whose contacts: PENDING, ACTIVE, SUSPENDED or REVOKED (default: ${DEFAULT-VALUE}).")
    RegistrationStatus status;

    private String body;

    @Override
    void validate() {
        body = read(bodyFile);
    }

    @Override
    int run(Registry registry) {
        int queued = Futures.await(registry.notifyContacts(status, subject, body, actor()));
        if (queued == 0) {
            out().println("no " + status + " registration: nothing queued");
        } else {
            out().println("queued " + queued + (queued == 1 ? " message" : " messages") + " to the distinct contacts of "
                    + status + " registrations; serve sends them");
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new IllegalArgumentException("--body-file " + file + " is larger than " + MAX_FILE + " bytes");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--body-file " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--body-file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("--body-file " + file + ": " + e.getMessage());
        }
    }
}
