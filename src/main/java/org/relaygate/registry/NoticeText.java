package org.relaygate.registry;

/**
 * The subject and body of a {@code notify} message, checked: a one-line subject, a body that is
 * text (line breaks and tabs, no other control characters) and not too large for one mail.
 */
record NoticeText(String subject, String body) {

    static final int MAX_SUBJECT = 200;
    static final int MAX_BODY = 100_000;

    static NoticeText of(String subject, String body) {
        String s = RegistrationRules.required("subject", subject, MAX_SUBJECT);
        if (body == null || body.isBlank()) {
            throw new RegistryException("the message body is empty");
        }
        if (body.length() > MAX_BODY) {
            throw new RegistryException("the message body is longer than " + MAX_BODY + " characters");
        }
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw new RegistryException("the message body contains a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i);
            }
        }
        return new NoticeText(s, body);
    }
}
