package org.relaygate.notify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The placeholders a template may use, each with what it is filled with (the README lists the same
 * table). A template with any other {@code {name}} is refused when {@code serve} starts, so a typo
 * cannot reach a contact. Facts about the change are frozen when it happens; relay_host,
 * relay_port and postmaster come from the sending {@code serve}'s mail.* settings.
 */
public final class Placeholders {

    /** Name to description, in README order. */
    public static final Map<String, String> ALL = all();

    private Placeholders() {
    }

    private static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("registration", "the registration, as #12 (a block notice: every covered one, #3, #7)");
        m.put("id", "the registration's number alone, as 12 (for commands such as relaygate approve)");
        m.put("unit", "the registering unit (department)");
        m.put("contact", "the contact address the notice goes to");
        m.put("device", "the registered device or application");
        m.put("addresses", "the registered addresses (a block notice: those the block covers), one per line;"
                + " continuation lines get the indentation of the placeholder's line");
        m.put("status", "the registration's new status (ACTIVE, SUSPENDED)");
        m.put("reason", "the suspension or block reason");
        m.put("network", "the blocked network (block notices)");
        m.put("until", "when the block ends, or \"further notice\"");
        m.put("actor", "who made the change (\"system\" for an automatic suspension)");
        m.put("relay_host", "mail.relay-host: the host name devices are to use");
        m.put("relay_port", "mail.relay-port: the port devices are to use");
        m.put("postmaster", "mail.postmaster: where questions go");
        m.put("date", "when the change happened (UTC)");
        return Collections.unmodifiableMap(m);
    }
}
