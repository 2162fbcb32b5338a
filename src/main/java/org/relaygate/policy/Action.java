package org.relaygate.policy;

/** The Postfix access(5) actions relaygate answers with. */
public enum Action {
    OK, DUNNO, REJECT, DEFER_IF_PERMIT
}
