package org.relaygate.cli;

import java.time.LocalDate;
import java.util.List;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Stores a new PENDING registration; prints its id alone so scripts can capture it. */
@Command(name = "register", description = {
        "Register the static addresses of a device that cannot use authenticated SMTP.",
        "The registration starts PENDING; the new id is printed alone on stdout. Refused, with nothing stored, "
                + "when an address is malformed, outside the institution networks, inside a dynamic pool, "
                + "or overlaps another live registration."})
final class RegisterCommand extends RegistryCommand {

    @Option(names = "--unit", required = true, paramLabel = "U", description = "Department or unit that owns the device.")
    String unit;

    @Option(names = "--contact", required = true, paramLabel = "EMAIL", description = "Contact address (a group address).")
    String contact;

    @Option(names = "--device", required = true, paramLabel = "D", description = "What the device is.")
    String device;

    @Option(names = "--reason", required = true, paramLabel = "R", description = "Why it cannot use authenticated SMTP.")
    String reason;

    @Option(names = "--signed-by", required = true, paramLabel = "NAME", description = "Who signed the form.")
    String signedBy;

    @Option(names = "--signed-on", paramLabel = "DATE", description = "When the form was signed, YYYY-MM-DD (default: today).")
    LocalDate signedOn;

    @Option(names = "--ip", required = true, paramLabel = "ADDR_OR_CIDR", split = ",",
            description = "An IPv4/IPv6 address or CIDR; repeat (or separate with commas) for several.")
    List<String> addresses;

    @Option(names = "--notes", paramLabel = "N", description = "Free-text notes.")
    String notes;

    @Override
    int run(Registry registry) {
        LocalDate signed = signedOn != null ? signedOn : LocalDate.now();
        NewRegistration form = new NewRegistration(unit, contact, device, reason, signedBy, signed, List.copyOf(addresses), notes);
        long id = Futures.await(registry.register(form, actor()));
        out().println(id);
        return 0;
    }
}
