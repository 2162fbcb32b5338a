package org.relaygate.registry;

/**
 * What an outbox row announces. Every kind but NOTICE is rendered from the template of the same
 * name ({@link #template()}) when it is sent; NOTICE carries its subject and body as given.
 */
public enum OutboxKind {
    /** A registration became ACTIVE for the first time: the addresses and the relay to configure. */
    CONFIRMATION,
    /** A registration became ACTIVE again (e.g. after a suspension). */
    REACTIVATION,
    /** A registration was suspended. */
    SUSPENSION,
    /** A postmaster block covers addresses of the contact's registrations. */
    BLOCK,
    /** To mail.postmaster: the system suspended a registration by itself. */
    POSTMASTER_ALERT,
    /** {@code relaygate notify}: an announcement to every contact. */
    NOTICE;

    /** The template's file name without {@code .txt}, or null for NOTICE. */
    public String template() {
        return this == NOTICE ? null : name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
