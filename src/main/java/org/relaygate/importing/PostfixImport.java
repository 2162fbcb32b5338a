package org.relaygate.importing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Text;

/**
 * The networks that a Postfix configuration allows to relay, from one of three kinds of file:
 * <ul>
 * <li>a {@code cidr:} table ({@code 192.0.2.0/24 OK}) or an {@code access}-style table
 * ({@code 192.0.2.7 OK}, {@code 192.168 OK} for a whole octet-aligned net), key then action;</li>
 * <li>a {@code mynetworks} list, with or without its {@code mynetworks =} (as {@code postconf -h}
 * prints it): networks separated by spaces or commas.</li>
 * </ul>
 * File syntax as Postfix reads it (postconf(5), cidr_table(5)): {@code #} starts a comment line,
 * blank lines are ignored, and a line starting with whitespace continues the previous one. IPv6
 * networks may be written in brackets ({@code [2001:db8::]/64}). Only OK (or PERMIT) entries allow
 * relaying; any other action is refused, or left out with skipOtherActions. Loopback networks
 * (127.0.0.0/8, ::1, in mynetworks by default) are the mail host itself, not a device: left out.
 */
public final class PostfixImport {

    /** One network that the file allows to relay, as written (brackets removed), and its line. */
    public record Entry(int line, String network) {
    }

    /** What was left out on purpose, for the summary. */
    public record Skipped(int loopback, int otherActions) {
    }

    private static final Pattern MYNETWORKS = Pattern.compile("mynetworks\\s*=(.*)");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\s*=.*");
    private static final Pattern ACTION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*|[245][0-9][0-9]");
    private static final Pattern PARTIAL_V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){0,2}");
    private static final Pattern LIST_SEPARATORS = Pattern.compile("[\\s,]+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Set<String> ALLOW = Set.of("OK", "PERMIT");
    private static final Cidr LOOPBACK_V4 = Cidr.parse("127.0.0.0/8");
    private static final Cidr LOOPBACK_V6 = Cidr.parse("::1/128");

    private enum Mode { NONE, LIST, TABLE }

    private final boolean skipOtherActions;
    private final Consumer<Entry> sink;
    private Mode mode = Mode.NONE;
    private int loopback;
    private int otherActions;

    private PostfixImport(boolean skipOtherActions, Consumer<Entry> sink) {
        this.skipOtherActions = skipOtherActions;
        this.sink = sink;
    }

    /** Reads the whole file, handing each allowed network to sink in file order; refuses the first bad line. */
    public static Skipped read(Reader in, boolean skipOtherActions, Consumer<Entry> sink) throws IOException {
        PostfixImport parser = new PostfixImport(skipOtherActions, sink);
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String text;
        int line = 0;
        while ((text = lines.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            parser.line(line, text);
        }
        return new Skipped(parser.loopback, parser.otherActions);
    }

    private void line(int line, String text) {
        String stripped = text.strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
            return; // comments and blank lines do not end a logical line (postconf(5))
        }
        if (Character.isWhitespace(text.charAt(0))) {
            continuation(line, stripped);
            return;
        }
        Matcher m = MYNETWORKS.matcher(stripped);
        if (m.matches()) {
            mode = Mode.LIST;
            list(line, m.group(1));
        } else if (PARAMETER.matcher(stripped).matches()) {
            throw new ImportLineException(line, "only the mynetworks parameter can be imported from main.cf, not "
                    + Text.quote(stripped.substring(0, stripped.indexOf('=')).strip()));
        } else {
            String[] parts = WHITESPACE.split(stripped, 2);
            String key = parts[0];
            if (key.equalsIgnoreCase("if") || key.equalsIgnoreCase("endif")) {
                throw new ImportLineException(line, "if/endif blocks are not supported: list the networks one per line");
            }
            String next = parts.length > 1 ? LIST_SEPARATORS.split(parts[1].strip(), 2)[0] : "";
            if (ACTION.matcher(next).matches()) {
                mode = Mode.TABLE;
                tableEntry(line, key, next);
            } else {
                mode = Mode.LIST;
                list(line, stripped);
            }
        }
    }

    private void continuation(int line, String stripped) {
        switch (mode) {
            case LIST -> list(line, stripped);
            case TABLE -> { } // more text of the previous entry's action
            default -> throw new ImportLineException(line, "a line starting with whitespace continues the previous entry, but there is none");
        }
    }

    private void tableEntry(int line, String key, String action) {
        if (!ALLOW.contains(action.toUpperCase(Locale.ROOT))) {
            if (skipOtherActions) {
                otherActions++;
                return;
            }
            throw new ImportLineException(line, "action " + Text.quote(action) + " does not allow relaying: only OK entries"
                    + " can be imported (--skip-other-actions leaves the others out)");
        }
        String network = PARTIAL_V4.matcher(key).matches() ? partialV4(key) : key;
        add(line, network);
    }

    private void list(int line, String text) {
        for (String token : LIST_SEPARATORS.split(text.strip())) {
            if (token.isEmpty()) {
                continue;
            }
            if (lookupTable(token)) {
                throw new ImportLineException(line, Text.quote(token) + " is a file or lookup table: import that table's file instead");
            }
            add(line, token);
        }
    }

    private void add(int line, String token) {
        String network = unbracket(token);
        Cidr cidr = parseOrNull(network);
        if (cidr != null && (LOOPBACK_V4.contains(cidr) || LOOPBACK_V6.contains(cidr))) {
            loopback++;
            return;
        }
        // A malformed network is passed on as written: the registry's own check refuses it with register's message.
        sink.accept(new Entry(line, network));
    }

    /** {@code /etc/postfix/network_table} or {@code hash:/etc/...}; never an IPv6 network ({@code 2001:db8::/32}). */
    static boolean lookupTable(String token) {
        return token.startsWith("/") || token.contains(":/") && !token.contains("::/");
    }

    /** {@code [2001:db8::]/64} and {@code [2001:db8::/64]} as {@code 2001:db8::/64}. */
    static String unbracket(String token) {
        int open = token.indexOf('[');
        int close = token.indexOf(']');
        if (open == 0 && close > 0) {
            return token.substring(1, close) + token.substring(close + 1);
        }
        return token;
    }

    /** An access(5) partial IPv4 key: {@code 192.168} is 192.168.0.0/16. */
    static String partialV4(String key) {
        int octets = key.split("\\.").length;
        return key + ".0".repeat(4 - octets) + (octets == 4 ? "" : "/" + (8 * octets));
    }

    private static Cidr parseOrNull(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
