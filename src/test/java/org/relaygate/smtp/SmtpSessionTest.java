package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.relaygate.config.SmtpSettings;
import org.relaygate.policy.Action;
import org.relaygate.policy.Decision;
import org.relaygate.policy.DecisionTexts;
import org.relaygate.policy.PolicyEngine;
import org.relaygate.policy.Reason;

/** The RFC 5321 state machine as transcripts, deciding with the real policy engine on an in-memory snapshot. */
class SmtpSessionTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(DecisionTexts.DEFAULTS, Clock.systemUTC());
    private static final RelayPolicy POLICY = request -> ENGINE.decide(request, TestSettings.SNAPSHOT);

    private static Transcript session() {
        return session(TestSettings.smtp(), "192.0.2.1", false);
    }

    private static Transcript session(SmtpSettings settings, String client, boolean tls) {
        return new Transcript(settings, POLICY, client, tls);
    }

    private static Transcript withPolicy(RelayPolicy policy) {
        return new Transcript(TestSettings.smtp(), policy, "192.0.2.1", false);
    }

    @Test
    void greetsWithTheHostName() {
        session().expectExactly("220 relay.test ESMTP relaygate\r\n");
    }

    @Test
    void ehloListsTheExtensionsInAMultiLineReply() {
        session().send("EHLO printer.example.org").expectExactly("250-relay.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n"
                + "250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n");
        session(TestSettings.smtp(Map.of("max-message-size", "2048")), "192.0.2.1", true).send("EHLO x")
                .expectExactly("250-relay.test\r\n250-PIPELINING\r\n250-SIZE 2048\r\n250-8BITMIME\r\n"
                        + "250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
    }

    @Test
    void commandsAreCaseInsensitive() {
        session().send("ehlo printer").expectExactly(session().send("EHLO printer").last());
        session().send("helo printer").send("mail FROM:<a@example.org>").expect("250 2.1.0")
                .send("rcpt to:<b@example.net>").expect("250 2.1.5").send("data").expect("354");
    }

    @Test
    void heloAnswersWithOneLine() {
        session().send("HELO printer").expectExactly("250 relay.test\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "EHLO       | 501 5.5.4 Syntax: EHLO hostname",
        "'EHLO   '  | 501 5.5.4 Syntax: EHLO hostname",
        "HELO       | 501 5.5.4 Syntax: HELO hostname",
    })
    void helloNeedsAName(String line, String reply) {
        session().send(line).expect(reply);
    }

    @Test
    void mailBeforeHeloIsOutOfSequence() {
        session().send("MAIL FROM:<a@example.org>").expect("503 5.5.1 Error: send HELO/EHLO first");
        session().send("DATA").expect("503 5.5.1 Error: send HELO/EHLO first");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "MAIL FROM:<device@example.org>",
        "mail from:<device@example.org>",
        "MAIL FROM: <device@example.org>",
        "MAIL FROM:device@example.org",
        "MAIL FROM:<>",
        "MAIL FROM:<@relay.example,@b.example:device@example.org>",
        "MAIL FROM:<\"john doe\"@example.org>",
        "MAIL FROM:<device@[192.0.2.1]>",
        "MAIL FROM:<device@example.org> SIZE=1000 BODY=8BITMIME",
        "MAIL FROM:<device@example.org> body=7bit",
        "MAIL FROM:<device@example.org> SIZE=10485760",
        "MAIL FROM:<o'brien+tag@sub-domain.example.org>",
    })
    void takesSenders(String line) {
        session().send("EHLO printer").send(line).expectExactly("250 2.1.0 Ok\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MAIL                                         | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:                                   | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL TO:<a@example.org>                      | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:<a@example.org                     | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:<a@example.org>SIZE=1              | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:<a@example.org> =1                 | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:<a@example.org> SIZE=1 SIZE=2      | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL FROM:<device>                           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a b@example.org>                  | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a@example..org>                   | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a@-example.org>                   | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<@example.org>                     | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a@>                               | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<Ã¼ser@example.org>                | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<@relay.example>                   | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a@example.org> SIZE=big           | 501 5.5.4 Bad SIZE parameter",
        "MAIL FROM:<a@example.org> SIZE=              | 501 5.5.4 Bad SIZE parameter",
        "MAIL FROM:<a@example.org> BODY=BINARYMIME    | 501 5.5.4 Unsupported BODY parameter",
        "MAIL FROM:<a@example.org> SMTPUTF8           | 555 5.5.4 Unsupported option: SMTPUTF8",
        "MAIL FROM:<a@example.org> AUTH=<>            | 555 5.5.4 Unsupported option: AUTH",
    })
    void refusesBadMailCommands(String line, String reply) {
        session().send("EHLO printer").send(line).expect(reply);
    }

    @Test
    void refusesATooLongAddress() {
        String local = "a".repeat(64);
        String domain = ("d".repeat(60) + ".").repeat(3) + "exam"; // 64 + 1 + 187 = 252 <= 254
        session().send("EHLO x").send("MAIL FROM:<" + local + "@" + domain + ">").expect("250 2.1.0");
        session().send("EHLO x").send("MAIL FROM:<" + local + "a@example.org>").expect("501 5.1.7");
        session().send("EHLO x").send("MAIL FROM:<" + local + "@" + domain + ".org.example>").expect("501 5.1.7");
    }

    @Test
    void refusesADeclaredSizeOverTheLimitAtMail() {
        Transcript t = session(TestSettings.smtp(Map.of("max-message-size", "5000")), "192.0.2.1", false).send("EHLO x");
        t.send("MAIL FROM:<a@example.org> SIZE=5001").expectExactly("552 5.3.4 Error: message file too big\r\n");
        t.send("MAIL FROM:<a@example.org> SIZE=99999999999999999999").expect("552 5.3.4");
        t.send("MAIL FROM:<a@example.org> SIZE=5000").expect("250 2.1.0");
    }

    @Test
    void refusesANestedMail() {
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send("MAIL FROM:<b@example.org>")
                .expect("503 5.5.1 Error: nested MAIL command");
    }

    @Test
    void rcptNeedsMail() {
        session().send("EHLO x").send("RCPT TO:<b@example.net>").expect("503 5.5.1 Error: need MAIL command");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RCPT                            | 501 5.5.4 Syntax: RCPT TO:<address>",
        "RCPT FROM:<b@example.net>       | 501 5.5.4 Syntax: RCPT TO:<address>",
        "RCPT TO:<>                      | 501 5.1.3 Bad recipient address syntax",
        "RCPT TO:<postmaster>            | 501 5.1.3 Bad recipient address syntax",
        "RCPT TO:<b@example.net> NOTIFY=NEVER | 555 5.5.4 Unsupported option: NOTIFY",
    })
    void refusesBadRcptCommands(String line, String reply) {
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send(line).expect(reply);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.1     | 250 2.1.5 Ok",
        "2001:db8:1::7 | 250 2.1.5 Ok",
        "192.0.2.2     | 554 5.7.1 <b@example.net>: Recipient address rejected: Relay registration #2 for 192.0.2.2 is pending approval by the postmaster",
        "192.0.2.3     | 554 5.7.1 <b@example.net>: Recipient address rejected: Relay registration #3 for 192.0.2.3 is suspended: lost laptop; contact the postmaster",
        "192.0.2.4     | 554 5.7.1 <b@example.net>: Recipient address rejected: Relay registration #4 for 192.0.2.4 has been revoked; contact the postmaster",
        "192.0.2.5     | 554 5.7.1 <b@example.net>: Recipient address rejected: Relay access for 192.0.2.5 is blocked by the postmaster: spam run",
        "198.51.100.1  | 554 5.7.1 <b@example.net>: Recipient address rejected: Client 198.51.100.1 is not registered for relay; register at the postmaster's mail relay registration form",
    })
    void asksTheEngineAtRcpt(String client, String reply) {
        session(TestSettings.smtp(), client, false).send("EHLO x").send("MAIL FROM:<a@example.org>")
                .send("RCPT TO:<b@example.net>").expectExactly(reply + "\r\n");
    }

    @Test
    void asksWithTheAttributesPostfixSends() {
        Transcript t = session().send("EHLO printer.example.org").send("MAIL FROM:<a@example.org> SIZE=1234")
                .send("RCPT TO:<b@example.net>").send("RCPT TO:<c@example.net>");
        assertEquals(2, t.asked.size());
        assertEquals(Map.ofEntries(
                Map.entry("request", "smtpd_access_policy"), Map.entry("protocol_state", "RCPT"),
                Map.entry("protocol_name", "ESMTP"), Map.entry("client_address", "192.0.2.1"),
                Map.entry("client_name", "unknown"), Map.entry("reverse_client_name", "unknown"),
                Map.entry("helo_name", "printer.example.org"), Map.entry("sender", "a@example.org"),
                Map.entry("recipient", "b@example.net"), Map.entry("recipient_count", "0"),
                Map.entry("size", "1234"), Map.entry("instance", "ID1"), Map.entry("queue_id", "")),
                t.asked.get(0).attributes());
        assertEquals("c@example.net", t.asked.get(1).get("recipient"));
        assertEquals("ID1", t.asked.get(1).get("instance"), "one instance per message");
        t.send("RSET").send("HELO printer").send("MAIL FROM:<>").send("RCPT TO:<b@example.net>");
        assertEquals("ID2", t.asked.get(2).get("instance"));
        assertEquals("SMTP", t.asked.get(2).get("protocol_name"));
        assertEquals("", t.asked.get(2).get("sender"));
        assertEquals("0", t.asked.get(2).get("size"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "OK              | ''                 | 250 2.1.5 Ok",
        "REJECT          | 5.7.1 Go away      | 554 5.7.1 <b@example.net>: Recipient address rejected: Go away",
        "REJECT          | 5.7.26 Go away     | 554 5.7.26 <b@example.net>: Recipient address rejected: Go away",
        "REJECT          | 4.7.1 Go away      | 554 5.7.1 <b@example.net>: Recipient address rejected: Go away",
        "REJECT          | Go away            | 554 5.7.1 <b@example.net>: Recipient address rejected: Go away",
        "REJECT          | ''                 | 554 5.7.1 <b@example.net>: Recipient address rejected: Access denied",
        "DEFER_IF_PERMIT | 4.7.1 Try later    | 450 4.7.1 <b@example.net>: Recipient address rejected: Try later",
        "DEFER           | 4.7.1 Slow down    | 450 4.7.1 <b@example.net>: Recipient address rejected: Slow down",
        "DEFER_IF_PERMIT | 5.7.1 Try later    | 450 4.7.1 <b@example.net>: Recipient address rejected: Try later",
        "DUNNO           | ''                 | 554 5.7.1 <b@example.net>: Relay access denied",
    })
    void mapsEachActionToTheReplyPostfixGives(Action action, String text, String reply) {
        withPolicy(request -> new Decision(action, text, Reason.REGISTERED, 0, null))
                .send("EHLO x").send("MAIL FROM:<a@example.org>").send("RCPT TO:<b@example.net>").expectExactly(reply + "\r\n");
    }

    @Test
    void aFailingPolicyNeverLetsARecipientIn() {
        withPolicy(request -> {
            throw new IllegalStateException("boom");
        }).send("EHLO x").send("MAIL FROM:<a@example.org>").send("RCPT TO:<b@example.net>")
                .expectExactly("451 4.3.5 Server configuration problem\r\n").send("DATA").expect("503 5.5.1 Error: no valid recipients");
    }

    @Test
    void capsRecipientsAndTheOvershootIsNoError() {
        Transcript t = session(TestSettings.smtp(Map.of("max-errors", "2")), "192.0.2.1", false)
                .send("EHLO x").send("MAIL FROM:<a@example.org>");
        for (int i = 0; i < 100; i++) {
            t.send("RCPT TO:<r" + i + "@example.net>").expect("250 2.1.5");
        }
        for (int i = 0; i < 5; i++) {
            t.send("RCPT TO:<more" + i + "@example.net>").expectExactly("452 4.5.3 Error: too many recipients\r\n");
        }
        t.send("DATA").expect("354").data("Subject: many\r\n\r\nhi\r\n.\r\n").expect("250 2.0.0 Ok: queued as Q1");
        assertEquals(100, t.stored.get(0).envelope().recipients().size());
    }

    @Test
    void dataNeedsValidRecipients() {
        session().send("EHLO x").send("DATA").expect("503 5.5.1 Error: need MAIL command");
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send("DATA").expect("503 5.5.1 Error: no valid recipients");
        session(TestSettings.smtp(), "198.51.100.1", false).send("EHLO x").send("MAIL FROM:<a@example.org>")
                .send("RCPT TO:<b@example.net>").expect("554 5.7.1").send("DATA").expect("503 5.5.1 Error: no valid recipients");
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send("RCPT TO:<b@example.net>").send("DATA now")
                .expect("501 5.5.4");
    }

    @Test
    void queuesAMessageWithAReceivedHeader() {
        Transcript t = session().send("EHLO printer.example.org").send("MAIL FROM:<device@example.org>")
                .send("RCPT TO:<b@example.net>").send("DATA").expectExactly("354 End data with <CR><LF>.<CR><LF>\r\n")
                .expectMode(SmtpSession.Mode.DATA)
                .data("Subject: scan\r\n\r\n..dotted\r\nbody\r\n.\r\n").expectExactly("250 2.0.0 Ok: queued as Q1\r\n")
                .expectMode(SmtpSession.Mode.COMMAND);
        Transcript.Stored s = t.stored.get(0);
        assertEquals(new Envelope("192.0.2.1", "printer.example.org", "device@example.org", List.of("b@example.net"),
                Transcript.NOW, "ESMTP"), s.envelope());
        assertEquals("Received: from printer.example.org (unknown [192.0.2.1])\r\n"
                + "\tby relay.test (relaygate) with ESMTP id ID1\r\n"
                + "\tfor <b@example.net>; Tue, 2 Jan 2024 10:00:00 +0000\r\n"
                + "Subject: scan\r\n\r\n.dotted\r\nbody\r\n", s.message());
        t.send("RCPT TO:<c@example.net>").expect("503 5.5.1 Error: need MAIL command");
    }

    @Test
    void pipelinedCommandsAfterTheDataAreLeftForTheShell() {
        Transcript t = session().send("HELO x").transactionTo("b@example.net").data("hi\r\n.\r\nQUIT\r\n");
        assertEquals("QUIT\r\n", t.afterData);
        t.send("QUIT").expect("221 2.0.0 Bye").expectMode(SmtpSession.Mode.CLOSED);
        assertEquals("SMTP", t.stored.get(0).envelope().protocol());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "too big      | 1024 | reject    | 552 5.3.4 Error: message file too big",
        "bare LF      | 2000 | reject    | 554 5.6.0 Message content rejected: bare <LF> line ending",
        "line         | 2000 | normalize | 554 5.6.0 Message content rejected: a line is longer than 1000 bytes",
    })
    void refusesBadDataAfterItsEnd(String what, int maxSize, String bareLf, String reply) {
        Transcript t = session(TestSettings.smtp(Map.of("max-message-size", Integer.toString(maxSize),
                "max-data-line", "1000", "bare-lf", bareLf)), "192.0.2.1", false).send("EHLO x").transactionTo("b@example.net");
        String body = switch (what) {
            case "too big" -> ("x".repeat(98) + "\r\n").repeat(11);
            case "bare LF" -> "Subject: x\n\nhi\r\n";
            default -> "y".repeat(1001) + "\r\n";
        };
        t.data(body + ".\r\n").expect(reply).expectMode(SmtpSession.Mode.COMMAND);
        assertTrue(t.stored.isEmpty());
        t.send("RCPT TO:<b@example.net>").expect("503 5.5.1 Error: need MAIL command");
    }

    @Test
    void refusesAMailLoopOfMoreThanFiftyReceivedHeaders() {
        String fifty = "Received: from a by b; Tue, 2 Jan 2024 10:00:00 +0000\r\n".repeat(50);
        Transcript t = session().send("EHLO x").transactionTo("b@example.net").data(fifty + "\r\nbody\r\n.\r\n").expect("250 2.0.0");
        t.transactionTo("b@example.net").data(fifty + "received: one more\r\n\r\nbody\r\n.\r\n")
                .expectExactly("554 5.4.6 Too many hops: more than 50 Received: headers, mail loop?\r\n");
        assertEquals(1, t.stored.size());
    }

    @Test
    void aFailingSpoolGets451AndNothingIsClaimed() {
        Transcript t = session().send("EHLO x").transactionTo("b@example.net");
        t.spoolFails = true;
        t.data("hi\r\n.\r\n").expectExactly("451 4.3.0 Error: queue file write error; try again later\r\n")
                .expectMode(SmtpSession.Mode.COMMAND).send("RCPT TO:<b@example.net>").expect("503 5.5.1 Error: need MAIL");
    }

    @Test
    void rsetEndsTheTransaction() {
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send("RSET").expectExactly("250 2.0.0 Ok\r\n")
                .send("RCPT TO:<b@example.net>").expect("503 5.5.1 Error: need MAIL")
                .send("RSET now").expect("501 5.5.4").send("MAIL FROM:<a@example.org>").expect("250 2.1.0");
    }

    @Test
    void ehloInATransactionResetsIt() {
        session().send("EHLO x").send("MAIL FROM:<a@example.org>").send("EHLO y").expect("250-relay.test")
                .send("RCPT TO:<b@example.net>").expect("503 5.5.1 Error: need MAIL");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NOOP            | 250 2.0.0 Ok",
        "noop anything   | 250 2.0.0 Ok",
        "VRFY postmaster | 252 2.5.2 Cannot VRFY user",
        "VRFY            | 501 5.5.4 Syntax: VRFY address",
        "HELP            | 214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS",
        "EXPN staff      | 502 5.5.1 Error: command not implemented",
        "AUTH PLAIN      | 502 5.5.1 Error: command not implemented",
        "BDAT 10 LAST    | 502 5.5.1 Error: command not implemented",
        "STARTTLS        | 502 5.5.1 Error: command not implemented",
        "FOO             | 500 5.5.2 Error: command not recognized",
        "''              | 500 5.5.2 Error: command not recognized",
        "GET / HTTP/1.0  | 500 5.5.2 Error: command not recognized",
    })
    void answersTheOtherCommands(String line, String reply) {
        session().send(line).expect(reply).expectMode(SmtpSession.Mode.COMMAND);
    }

    @Test
    void quitSaysByeAndCloses() {
        session().send("QUIT").expectExactly("221 2.0.0 Bye\r\n").expectMode(SmtpSession.Mode.CLOSED);
    }

    @Test
    void tooManyErrorsClose() {
        Transcript t = session(TestSettings.smtp(Map.of("max-errors", "3")), "192.0.2.1", false);
        t.send("FOO").expect("500").send("NOOP").expect("250").send("MAIL FROM:<a@b.example>").expect("503");
        t.session.lineTooLong();
        t.send("NOOP").expectExactly("421 4.7.0 relay.test Error: too many errors\r\n").expectMode(SmtpSession.Mode.CLOSED);
    }

    @Test
    void lineTooLongIsA500() {
        assertEquals("500 5.5.6 Error: command line too long\r\n", session().session.lineTooLong().render());
    }

    @Test
    void timeoutClosesWith421() {
        Transcript t = session().send("EHLO x").transactionTo("b@example.net");
        assertEquals("421 4.4.2 relay.test Error: timeout exceeded\r\n", t.session.timeout().render());
        t.expectMode(SmtpSession.Mode.CLOSED);
    }

    @Test
    void startTlsDiscardsPipelinedPlaintextAndResetsTheSession() {
        Transcript t = session(TestSettings.smtp(), "192.0.2.1", true).send("EHLO x").send("STARTTLS")
                .expectExactly("220 2.0.0 Ready to start TLS\r\n").expectMode(SmtpSession.Mode.START_TLS);
        // CVE-2011-0411: what a man in the middle pipelined behind STARTTLS gets no reply and no effect.
        t.send("MAIL FROM:<evil@example.org>").expectNoReply().send("RCPT TO:<b@example.net>").expectNoReply();
        t.session.tlsStarted();
        t.expectMode(SmtpSession.Mode.COMMAND).send("MAIL FROM:<a@example.org>").expect("503 5.5.1 Error: send HELO/EHLO first");
        t.send("EHLO x").expectExactly("250-relay.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n"
                + "250 ENHANCEDSTATUSCODES\r\n");
        t.send("STARTTLS").expect("554 5.5.1 Error: TLS already active");
        assertTrue(t.asked.isEmpty(), "the plaintext RCPT never reached the policy");
        t.transactionTo("b@example.net").data("hi\r\n.\r\n").expect("250 2.0.0");
        assertEquals("ESMTPS", t.stored.get(0).envelope().protocol());
        assertTrue(t.stored.get(0).message().contains("with ESMTPS id"));
    }

    @Test
    void startTlsRules() {
        Transcript t = session(TestSettings.smtp(), "192.0.2.1", true).send("EHLO x");
        t.send("STARTTLS now").expect("501 5.5.4");
        t.send("MAIL FROM:<a@example.org>").send("STARTTLS").expect("503 5.5.1 Error: MAIL transaction in progress");
    }
}
