package org.relaygate.notify;

import java.time.Instant;
import java.util.List;
import org.relaygate.config.MailSettings;
import org.relaygate.policy.Text;
import org.relaygate.registry.OutboxEntry;
import org.relaygate.registry.OutboxKind;
import org.relaygate.smtp.Envelope;

/**
 * Turns an outbox row into the message to send: the recipient (a POSTMASTER_ALERT without one goes
 * to mail.postmaster), the subject and body (the row's own when it has both, else its kind's
 * template with the frozen facts), the envelope (sender mail.from, never the null sender: these
 * are not bounces) and the RFC 5322 bytes. The Message-ID is derived from the row, so a notice
 * sent twice (a crash between the spool's acknowledgement and the SENT mark) keeps its id. Pure.
 */
final class NoticeComposer {

    /** What {@link Mailer} hands to the transport, and what it records as sent. */
    record Composed(String recipient, String subject, String body, Envelope envelope, byte[] message) {
    }

    private final MailSettings mail;
    private final String hostname;
    private final Templates templates;

    NoticeComposer(MailSettings mail, String hostname, Templates templates) {
        this.mail = mail;
        this.hostname = hostname;
        this.templates = templates;
    }

    /** Null when the settings say this kind is not sent: the reason is {@link #skipReason}. */
    String skipReason(OutboxKind kind) {
        return switch (kind) {
            case SUSPENSION, REACTIVATION -> mail.notifyOnSuspend() ? null : "mail.notify-on-suspend is off";
            case BLOCK -> mail.notifyOnBlock() ? null : "mail.notify-on-block is off";
            default -> null;
        };
    }

    /** The message; IllegalArgumentException when the row cannot be sent at all (no valid recipient, no text). */
    Composed compose(OutboxEntry entry, Instant now) {
        String to = recipient(entry);
        Template.Rendered text = text(entry, to);
        byte[] message = MailMessage.build(mail.from(), to, text.subject(), text.body(), now, messageId(entry),
                entry.kind() != OutboxKind.NOTICE);
        Envelope envelope = new Envelope("", hostname, mail.from(), List.of(to), now, "LOCAL");
        return new Composed(to, text.subject(), text.body(), envelope, message);
    }

    private String recipient(OutboxEntry entry) {
        String to = entry.recipient() == null ? "" : entry.recipient().strip();
        if (to.isEmpty() && entry.kind() == OutboxKind.POSTMASTER_ALERT) {
            to = mail.postmaster();
        }
        if (!MailSettings.plausibleAddress(to)) {
            throw new IllegalArgumentException("recipient " + Text.quote(to) + " is not a plain mail address");
        }
        return to;
    }

    private Template.Rendered text(OutboxEntry entry, String to) {
        if (entry.subject() != null && !entry.subject().isBlank() && entry.body() != null && !entry.body().isBlank()) {
            return new Template.Rendered(Text.oneLine(entry.subject()).strip(), entry.body());
        }
        Template template = templates.get(entry.kind());
        if (template == null) {
            throw new IllegalArgumentException(entry.kind() + " needs a subject and a body");
        }
        return template.render(NoticeValues.of(entry, mail, to));
    }

    private String messageId(OutboxEntry entry) {
        long created = entry.createdAt() == null ? 0 : entry.createdAt().toEpochMilli();
        return "<relaygate.outbox." + entry.id() + "." + created + "@" + hostname + ">";
    }
}
