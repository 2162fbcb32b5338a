package org.relaygate.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The mail the registry sends ({@code mail.*} keys): confirmations, suspension and block notices,
 * postmaster alerts and {@code notify} messages, all queued in the registry's outbox and sent by
 * {@code serve}. {@code from} and {@code postmaster} are plain addresses (default
 * {@code postmaster@<smtp.hostname>}); {@code templatesDir} is empty for the shipped templates;
 * {@code smarthost} is null when none is set (then mail leaves only through the relay's spool).
 */
public record MailSettings(
        String from,
        String postmaster,
        String relayHost,
        int relayPort,
        boolean notifyOnSuspend,
        boolean notifyOnBlock,
        String templatesDir,
        HostPort smarthost,
        Duration pollInterval,
        Duration retryInitial,
        int maxAttempts) {

    /** local@domain, printable ASCII without spaces, brackets or quotes: safe in a header and in MAIL FROM. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,253}");

    /** True when {@code address} can go into From:, To: and an SMTP path as it is. */
    public static boolean plausibleAddress(String address) {
        return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches()
                && !address.startsWith(".") && !address.contains("..") && !address.endsWith(".");
    }
}
