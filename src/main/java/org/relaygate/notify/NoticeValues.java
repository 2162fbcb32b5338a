package org.relaygate.notify;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import org.relaygate.config.MailSettings;
import org.relaygate.registry.OutboxEntry;

/**
 * The placeholder values for one outbox row: every known placeholder (empty when it does not apply),
 * the facts frozen in the row, and the sender's mail.* settings. Pure.
 */
final class NoticeValues {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private NoticeValues() {
    }

    static Map<String, String> of(OutboxEntry entry, MailSettings mail, String recipient) {
        Map<String, String> v = new HashMap<>();
        Placeholders.ALL.keySet().forEach(name -> v.put(name, ""));
        entry.params().forEach((name, value) -> {
            if (Placeholders.ALL.containsKey(name) && value != null) {
                v.put(name, value);
            }
        });
        if (v.get("contact").isEmpty()) {
            v.put("contact", recipient);
        }
        v.put("until", until(v.get("until")));
        v.put("relay_host", mail.relayHost());
        v.put("relay_port", Integer.toString(mail.relayPort()));
        v.put("postmaster", mail.postmaster());
        v.put("date", entry.createdAt() == null ? "" : WHEN.format(entry.createdAt()));
        return v;
    }

    /** A block's end as people read it; none means "further notice". */
    static String until(String iso) {
        if (iso == null || iso.isBlank()) {
            return "further notice";
        }
        try {
            return WHEN.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
