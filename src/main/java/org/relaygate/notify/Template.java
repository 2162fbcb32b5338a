package org.relaygate.notify;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Text;

/**
 * One notice template: a file whose first line is {@code Subject: ...}, then an empty line, then
 * the body, with {@code {name}} placeholders (see {@link Placeholders}). Parsing refuses a malformed
 * file or an unknown placeholder with a message naming the file; rendering replaces each
 * placeholder once (a value that itself contains {@code {x}} stays as it is). Pure.
 */
public record Template(String name, String subject, String body) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)\\}");
    private static final Pattern SUBJECT = Pattern.compile("(?i)subject:[ \\t]*(.*)");

    /** The subject and body of one notice, ready for the message. */
    public record Rendered(String subject, String body) {
    }

    /** Parses {@code text} (LF or CRLF line ends); {@code name} is for messages. */
    public static Template parse(String name, String text) {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        s = s.replace("\r\n", "\n");
        int firstEnd = s.indexOf('\n');
        Matcher subject = SUBJECT.matcher(firstEnd < 0 ? s : s.substring(0, firstEnd));
        if (!subject.matches() || subject.group(1).isBlank()) {
            throw new IllegalArgumentException(name + ": the first line must be \"Subject: ...\"");
        }
        if (firstEnd < 0 || !s.startsWith("\n", firstEnd + 1)) {
            throw new IllegalArgumentException(name + ": an empty line must follow the Subject: line");
        }
        String body = s.substring(firstEnd + 2);
        if (body.isBlank()) {
            throw new IllegalArgumentException(name + ": the body is empty");
        }
        Template t = new Template(name, subject.group(1).strip(), body);
        t.check(t.subject);
        t.check(t.body);
        return t;
    }

    private void check(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!Placeholders.ALL.containsKey(m.group(1))) {
                throw new IllegalArgumentException(name + ": unknown placeholder {" + m.group(1) + "} (known: "
                        + String.join(", ", Placeholders.ALL.keySet().stream().map(k -> "{" + k + "}").toList()) + ")");
            }
        }
    }

    /** Fills the placeholders; a name missing from {@code values} becomes empty. */
    public Rendered render(Map<String, String> values) {
        String s = Text.oneLine(fill(subject, values, true)).strip();
        return new Rendered(s.replaceAll(" {2,}", " "), fill(body, values, false));
    }

    private static String fill(String text, Map<String, String> values, boolean oneLine) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            String value = values.getOrDefault(m.group(1), "");
            out.append(oneLine ? String.join(", ", value.strip().split("\\s*(\r\n|\r|\n)\\s*"))
                    : indented(value, lineIndent(text, m.start())));
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** The whitespace before the placeholder when nothing else precedes it on its line, else "". */
    private static String lineIndent(String text, int at) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        String before = text.substring(lineStart, at);
        return before.isBlank() ? before : "";
    }

    private static String indented(String value, String indent) {
        return indent.isEmpty() ? value : value.replace("\n", "\n" + indent);
    }
}
