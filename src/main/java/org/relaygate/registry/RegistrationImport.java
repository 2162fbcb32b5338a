package org.relaygate.registry;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.importing.ImportLineException;
import org.relaygate.importing.ImportRecord;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.policy.Text;

/**
 * The registrations of one import file, each validated as it is added with exactly the rules of
 * {@code register} ({@link RegistrationRules}): a refusal names the file line. Kept in memory
 * (a few hundred bytes per registration) so that nothing is written before the whole file passed;
 * {@link BulkImport} then checks them against the registry and writes them in one transaction.
 */
public final class RegistrationImport {

    /** One validated registration and the line it came from. */
    record Row(int line, RegistrationRules.Valid valid, RegistrationStatus status) {
    }

    private final RegistrationRules rules;
    private final LocalDate today;
    private final List<Row> rows = new ArrayList<>();
    private int addresses;

    public RegistrationImport(RelaygateConfig config, LocalDate today) {
        this(new RegistrationRules(config.minPrefixV4(), config.minPrefixV6()), today);
    }

    RegistrationImport(RegistrationRules rules, LocalDate today) {
        this.rules = rules;
        this.today = today;
    }

    /** Validates one record (status default PENDING, signed_on default today); throws ImportLineException. */
    public void add(ImportRecord r) {
        try {
            RegistrationStatus status = r.status() == null ? RegistrationStatus.PENDING : RegistrationStatus.parse(r.status());
            NewRegistration form = new NewRegistration(r.unit(), r.contact(), r.device(), r.reason(), r.signedBy(),
                    date(r.signedOn()), r.addresses(), r.notes());
            RegistrationRules.Valid valid = rules.validate(form, today);
            rows.add(new Row(r.line(), valid, status));
            addresses += valid.addresses().size();
        } catch (RegistryException | IllegalArgumentException e) {
            throw e instanceof ImportLineException line ? line : new ImportLineException(r.line(), e.getMessage());
        }
    }

    private LocalDate date(String text) {
        if (text == null) {
            return today;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("signed_on " + Text.quote(text) + " is not a date (YYYY-MM-DD)");
        }
    }

    public int registrations() {
        return rows.size();
    }

    public int addresses() {
        return addresses;
    }

    List<Row> rows() {
        return rows;
    }
}
