package org.relaygate.delivery;

/**
 * The result of one delivery attempt for one recipient: the outcome, the reply or error text (an
 * SMTP reply as "550 5.1.1 ...", or a local error starting with its enhanced status code, as
 * "4.4.1 connect to ...: Connection refused") and the relay that gave it ("" when none was reached).
 */
record RecipientResult(Outcome outcome, String text, String relay) {
}
