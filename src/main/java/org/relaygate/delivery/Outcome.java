package org.relaygate.delivery;

/** What a reply or failure means for a recipient: RFC 5321 4.2.1's reply classes. */
public enum Outcome {
    /** 2xx: delivered. */
    OK,
    /** 4xx, a connection failure, a timeout: try again later. */
    TEMP,
    /** 5xx: bounce. */
    PERM;

    static Outcome ofCode(int code) {
        if (code >= 200 && code < 400) {
            return OK;
        }
        return code >= 500 ? PERM : TEMP;
    }
}
