package org.relaygate.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.NewRegistration;

/**
 * The public registration form as submitted: raw text per input (kept to show again on errors),
 * the rules only the web form has (attestation, signing date), and the mapping of the registry's
 * field names to the form's input names. No Vert.x here: the attributes come in as a lookup.
 */
record RegistrationForm(String unit, String contact, String addresses, String device, String reason,
                        String signedBy, String signedOn, boolean attested) {

    /** The inputs in page order; each is also the input's id and its error's id prefix. */
    static final List<String> INPUTS = List.of("unit", "contact", "addresses", "device", "reason", "signed_by",
            "signed_on", "attest");
    /** An error not about one input (shown in the summary only). */
    static final String GENERAL = "form";
    /** The registry's field names ({@code Registry.FORM_FIELDS}) to input names; notes has no input here. */
    private static final Map<String, String> REGISTRY_FIELDS = Map.of(
            "unit", "unit", "contact email", "contact", "addresses", "addresses", "device", "device",
            "reason", "reason", "signed-by", "signed_by");
    /** Addresses are separated by spaces, commas or new lines. */
    private static final Pattern ADDRESS_SEPARATORS = Pattern.compile("[\\s,]+");
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*(?:\\r\\n|\\r|\\n)\\s*");

    /** An empty form, signed today. */
    static RegistrationForm blank(LocalDate today) {
        return new RegistrationForm("", "", "", "", "", "", today.toString(), false);
    }

    /** The form from its submitted attributes (missing ones are empty); the checkbox counts only with value "yes". */
    static RegistrationForm parse(Function<String, String> attribute) {
        Function<String, String> text = name -> {
            String v = attribute.apply(name);
            return v == null ? "" : v;
        };
        return new RegistrationForm(text.apply("unit"), text.apply("contact"), text.apply("addresses"),
                text.apply("device"), text.apply("reason"), text.apply("signed_by"), text.apply("signed_on"),
                "yes".equals(attribute.apply("attest")));
    }

    /** The addresses textarea split into its entries, empty ones dropped. */
    List<String> addressList() {
        List<String> out = new ArrayList<>();
        for (String part : ADDRESS_SEPARATORS.split(addresses.strip())) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    /**
     * What the registry gets. The reason is a textarea: its line breaks become spaces, since the
     * registry keeps one line (the CLI's rule refuses control characters; a browser sends CRLF on Enter).
     * A signing date that is not a date is null here; {@link #errors} reports it.
     */
    NewRegistration toRegistration() {
        return new NewRegistration(unit, contact, device, LINE_BREAKS.matcher(reason.strip()).replaceAll(" "),
                signedBy, signingDate(), addressList(), null);
    }

    /** The signing date, null when blank (the registry then takes today) or not a date. */
    LocalDate signingDate() {
        if (signedOn.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(signedOn.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * All errors by input name in page order: the registry's rules ({@code registryErrors}, keyed by its
     * field names, from {@code Registry.formErrors}) and the web form's own (signing date, attestation).
     */
    Map<String, String> errors(Map<String, String> registryErrors, LocalDate today) {
        Map<String, String> byInput = new LinkedHashMap<>();
        registryErrors.forEach((field, message) -> byInput.merge(REGISTRY_FIELDS.getOrDefault(field, GENERAL), message,
                (a, b) -> a + "; " + b));
        String dateError = dateError(today);
        if (dateError != null) {
            byInput.put("signed_on", dateError);
        }
        if (!attested) {
            byInput.put("attest", "confirm that the device is well protected against viruses and other security breaches");
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String input : INPUTS) {
            if (byInput.containsKey(input)) {
                ordered.put(input, byInput.get(input));
            }
        }
        if (byInput.containsKey(GENERAL)) {
            ordered.put(GENERAL, byInput.get(GENERAL));
        }
        return ordered;
    }

    /** Blank is today; otherwise a date (YYYY-MM-DD) no later than tomorrow (the signer's time zone may be ahead). */
    private String dateError(LocalDate today) {
        if (signedOn.isBlank()) {
            return null;
        }
        LocalDate date = signingDate();
        if (date == null) {
            return "signed-on must be a date (YYYY-MM-DD)";
        }
        if (date.isAfter(today.plusDays(1))) {
            return "signed-on " + date + " is in the future";
        }
        return null;
    }

    /**
     * Whether a refusal from the registry's database checks names one of this form's addresses: those
     * messages start with the address as the registry shows it ("192.0.2.7 is already registered: ...").
     */
    boolean aboutAddresses(String message) {
        for (String raw : addressList()) {
            try {
                if (message.startsWith(Cidr.parse(raw).toDisplayString() + " ")) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not an address: the rules refused it before the registry was asked
            }
        }
        return false;
    }
}
