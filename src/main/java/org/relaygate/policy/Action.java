package org.relaygate.policy;

/**
 * The Postfix access(5) actions relaygate answers with. Rate limits answer DEFER, not
 * DEFER_IF_PERMIT: in postfix/main.cf's smtpd_relay_restrictions a final {@code reject} follows
 * relaygate, and DEFER_IF_PERMIT only defers what a LATER restriction permits; a later reject
 * turns it into a permanent "554 5.7.1 ... Access denied" (checked against Postfix 3.7).
 */
public enum Action {
    OK, DUNNO, REJECT, DEFER_IF_PERMIT,
    /** "450 4.7.1 text" whatever follows (access(5), Postfix 2.6 and later). */
    DEFER
}
