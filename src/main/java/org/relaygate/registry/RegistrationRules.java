package org.relaygate.registry;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Text;

/**
 * The checks on a registration form that need no database: required fields, lengths, the contact
 * address, and each network (syntax, minimum prefix, no duplicate or overlap within the form).
 * Every refusal is a {@link RegistryException} with one line naming the field or address.
 */
final class RegistrationRules {

    static final int MAX_ADDRESSES = 256;
    static final int MAX_NAME = 200;
    static final int MAX_REASON = 1000;
    static final int MAX_NOTES = 2000;
    static final int MAX_EMAIL = 254;
    /** The field names of {@link #errors}, in form order. */
    static final List<String> FIELDS = List.of("unit", "contact email", "device", "reason", "signed-by", "notes", "addresses");

    /** A host name: dot-separated labels of letters, digits and inner hyphens. */
    private static final Pattern DOMAIN = Pattern.compile(
            "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    /** RFC 5322 atext and dots, without the characters that make an address ambiguous in a list. */
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");

    /** A validated form: trimmed values, the signing date filled in, canonical networks. */
    record Valid(String unit, String contactEmail, String device, String reason, String signedBy,
                 LocalDate signedOn, String notes, List<Cidr> addresses) {
    }

    private final int minPrefixV4;
    private final int minPrefixV6;

    RegistrationRules(int minPrefixV4, int minPrefixV6) {
        this.minPrefixV4 = minPrefixV4;
        this.minPrefixV6 = minPrefixV6;
    }

    /** The first refusal, as a {@link RegistryException} (the CLI's one line). */
    Valid validate(NewRegistration form, LocalDate today) {
        return check(form, today, null);
    }

    /**
     * Every refusal at once, in form order, keyed by the field names the messages use ({@link #FIELDS});
     * empty when the form is valid. The same rules as {@link #validate}: a web form shows all of them.
     */
    Map<String, String> errors(NewRegistration form, LocalDate today) {
        Map<String, String> errors = new LinkedHashMap<>();
        check(form, today, errors);
        return errors;
    }

    /**
     * One pass over the fields in form order: with {@code errors} null the first refusal is thrown,
     * else each field's refusal is collected and the result is null when there was any.
     */
    private Valid check(NewRegistration form, LocalDate today, Map<String, String> errors) {
        if (form == null) {
            throw new RegistryException("no registration given");
        }
        String unit = field(errors, "unit", () -> required("unit", form.unit(), MAX_NAME));
        String email = field(errors, "contact email", () -> email(form.contactEmail()));
        String device = field(errors, "device", () -> required("device", form.device(), MAX_NAME));
        String reason = field(errors, "reason", () -> required("reason", form.reason(), MAX_REASON));
        String signedBy = field(errors, "signed-by", () -> required("signed-by", form.signedBy(), MAX_NAME));
        String notes = field(errors, "notes", () -> optional("notes", form.notes(), MAX_NOTES));
        List<Cidr> addresses = field(errors, "addresses", () -> addresses(form.addresses()));
        if (errors != null && !errors.isEmpty()) {
            return null;
        }
        LocalDate signedOn = form.signedOn() != null ? form.signedOn() : today;
        return new Valid(unit, email, device, reason, signedBy, signedOn, notes, addresses);
    }

    /** Applies one field's rule: throws its refusal when not collecting, else records it and yields null. */
    private static <T> T field(Map<String, String> errors, String name, Supplier<T> rule) {
        if (errors == null) {
            return rule.get();
        }
        try {
            return rule.get();
        } catch (RegistryException e) {
            errors.put(name, e.getMessage());
            return null;
        }
    }

    static String required(String field, String value, int max) {
        String v = optional(field, value, max);
        if (v == null) {
            throw new RegistryException(field + " is required");
        }
        return v;
    }

    /** Null for a missing or blank value; refuses control characters and over-long text. */
    static String optional(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new RegistryException(field + " is longer than " + max + " characters");
        }
        if (!Text.oneLine(v).equals(v)) {
            throw new RegistryException(field + " must not contain control characters (line breaks, tabs)");
        }
        return v;
    }

    static String email(String value) {
        String v = required("contact email", value, MAX_EMAIL);
        int at = v.lastIndexOf('@');
        boolean plausible = at > 0 && LOCAL.matcher(v.substring(0, at)).matches()
                && !v.startsWith(".") && !v.substring(0, at).endsWith(".") && !v.contains("..")
                && DOMAIN.matcher(v.substring(at + 1)).matches();
        if (!plausible) {
            throw new RegistryException("contact email " + Text.quote(v) + " is not a plausible address (expected local@domain.example)");
        }
        int domainStart = at + 1;
        return v.substring(0, domainStart) + v.substring(domainStart).toLowerCase(Locale.ROOT);
    }

    List<Cidr> addresses(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            throw new RegistryException("at least one address is required");
        }
        if (raw.size() > MAX_ADDRESSES) {
            throw new RegistryException("at most " + MAX_ADDRESSES + " addresses per registration");
        }
        List<Cidr> out = new ArrayList<>(raw.size());
        for (String text : raw) {
            Cidr cidr = network(text);
            for (Cidr earlier : out) {
                if (earlier.equals(cidr)) {
                    throw new RegistryException(cidr.toDisplayString() + " is given twice");
                }
                if (earlier.overlaps(cidr)) {
                    throw new RegistryException(cidr.toDisplayString() + " overlaps " + earlier.toDisplayString() + " in the same registration");
                }
            }
            out.add(cidr);
        }
        return List.copyOf(out);
    }

    /** One address: syntax (the parser's message) and not wider than the configured minimum prefix. */
    Cidr network(String text) {
        Cidr cidr;
        try {
            cidr = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage());
        }
        int min = cidr.v6() ? minPrefixV6 : minPrefixV4;
        if (cidr.prefixLength() < min) {
            throw new RegistryException(cidr + " is too wide: " + (cidr.v6() ? "IPv6" : "IPv4")
                    + " networks must be /" + min + " or narrower");
        }
        return cidr;
    }
}
