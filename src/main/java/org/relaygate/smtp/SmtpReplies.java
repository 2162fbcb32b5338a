package org.relaygate.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Every reply the relay sends, in one place. Texts follow Postfix's where Postfix has one, so a
 * device's log reads the same whichever relay it talks to.
 */
public final class SmtpReplies {

    private SmtpReplies() {
    }

    public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
    public static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "Ok");
    public static final SmtpReply RECIPIENT_OK = new SmtpReply(250, "2.1.5", "Ok");
    public static final SmtpReply START_DATA = new SmtpReply(354, "", "End data with <CR><LF>.<CR><LF>");
    public static final SmtpReply BYE = new SmtpReply(221, "2.0.0", "Bye");
    public static final SmtpReply VRFY = new SmtpReply(252, "2.5.2", "Cannot VRFY user; send mail and a recipient will be tried");
    public static final SmtpReply HELP = new SmtpReply(214, "2.0.0",
            "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS; see RFC 5321");
    public static final SmtpReply READY_FOR_TLS = new SmtpReply(220, "2.0.0", "Ready to start TLS");

    public static final SmtpReply UNKNOWN_COMMAND = new SmtpReply(500, "5.5.2", "Error: command not recognized");
    public static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.6", "Error: command line too long");
    public static final SmtpReply NOT_IMPLEMENTED = new SmtpReply(502, "5.5.1", "Error: command not implemented");
    public static final SmtpReply SEND_HELO_FIRST = new SmtpReply(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Error: nested MAIL command");
    public static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "Error: need MAIL command");
    public static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "Error: need RCPT command");
    public static final SmtpReply NO_VALID_RECIPIENTS = new SmtpReply(503, "5.5.1", "Error: no valid recipients");
    public static final SmtpReply TRANSACTION_IN_PROGRESS = new SmtpReply(503, "5.5.1", "Error: MAIL transaction in progress");
    public static final SmtpReply TLS_ALREADY_ACTIVE = new SmtpReply(554, "5.5.1", "Error: TLS already active");

    public static final SmtpReply SYNTAX_HELO = new SmtpReply(501, "5.5.4", "Syntax: HELO hostname");
    public static final SmtpReply SYNTAX_EHLO = new SmtpReply(501, "5.5.4", "Syntax: EHLO hostname");
    public static final SmtpReply SYNTAX_MAIL = new SmtpReply(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    public static final SmtpReply SYNTAX_RCPT = new SmtpReply(501, "5.5.4", "Syntax: RCPT TO:<address>");
    public static final SmtpReply SYNTAX_VRFY = new SmtpReply(501, "5.5.4", "Syntax: VRFY address");
    public static final SmtpReply SYNTAX_NO_ARGUMENTS = new SmtpReply(501, "5.5.4", "Syntax error: no arguments allowed");
    public static final SmtpReply BAD_SENDER = new SmtpReply(501, "5.1.7", "Bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT = new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
    public static final SmtpReply BAD_SIZE = new SmtpReply(501, "5.5.4", "Bad SIZE parameter");
    public static final SmtpReply BAD_BODY = new SmtpReply(501, "5.5.4", "Unsupported BODY parameter: use 7BIT or 8BITMIME");

    public static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "Error: too many recipients");
    public static final SmtpReply MESSAGE_TOO_BIG = new SmtpReply(552, "5.3.4", "Error: message file too big");
    public static final SmtpReply BARE_LF = new SmtpReply(554, "5.6.0",
            "Message content rejected: bare <LF> line ending; lines must end in <CR><LF>");
    public static final SmtpReply LOOP = new SmtpReply(554, "5.4.6", "Too many hops: more than 50 Received: headers, mail loop?");
    public static final SmtpReply QUEUE_WRITE_ERROR = new SmtpReply(451, "4.3.0", "Error: queue file write error; try again later");
    /** Postfix's answer when its policy service fails: never OK, never a permanent refusal. */
    public static final SmtpReply POLICY_FAILURE = new SmtpReply(451, "4.3.5", "Server configuration problem");

    /** The EHLO reply: the host name, then one extension per line (STARTTLS only while it can be used). */
    public static SmtpReply ehlo(String hostname, long maxMessageSize, boolean startTls) {
        List<String> lines = new ArrayList<>(List.of(hostname, "PIPELINING", "SIZE " + maxMessageSize, "8BITMIME",
                "ENHANCEDSTATUSCODES"));
        if (startTls) {
            lines.add("STARTTLS");
        }
        return SmtpReply.multiline(250, "", lines);
    }

    /** The answer after the data, or null when the message may be stored. */
    public static SmtpReply refusal(DataDecoder.Outcome outcome, int maxDataLine) {
        return switch (outcome) {
            case ACCEPTED -> null;
            case TOO_BIG -> MESSAGE_TOO_BIG;
            case LINE_TOO_LONG -> new SmtpReply(554, "5.6.0", "Message content rejected: a line is longer than " + maxDataLine + " bytes");
            case BARE_LF -> BARE_LF;
            case LOOP -> LOOP;
        };
    }

    /** The RCPT refusal for anything but OK (Postfix's reject_unauth_destination text). */
    public static SmtpReply relayDenied(String recipient) {
        return new SmtpReply(554, "5.7.1", "<" + recipient + ">: Relay access denied");
    }

    public static SmtpReply unsupportedOption(String name) {
        return new SmtpReply(555, "5.5.4", "Unsupported option: " + name);
    }

    public static SmtpReply greeting(String hostname) {
        return new SmtpReply(220, "", hostname + " ESMTP relaygate");
    }

    public static SmtpReply queued(String queueId) {
        return new SmtpReply(250, "2.0.0", "Ok: queued as " + queueId);
    }

    /** RFC 5321 3.8: a 421 names the host and closes the channel. */
    public static SmtpReply tooManyErrors(String hostname) {
        return new SmtpReply(421, "4.7.0", hostname + " Error: too many errors");
    }

    public static SmtpReply timeout(String hostname) {
        return new SmtpReply(421, "4.4.2", hostname + " Error: timeout exceeded");
    }

    public static SmtpReply tooManyConnections(String hostname) {
        return new SmtpReply(421, "4.7.0", hostname + " Error: too many connections");
    }

    /** A bug of ours: the peer gets a temporary failure, never a stack trace. */
    public static SmtpReply internalError(String hostname) {
        return new SmtpReply(421, "4.3.0", hostname + " Error: internal error; closing");
    }

    public static SmtpReply tooMuchPipelining(String hostname) {
        return new SmtpReply(421, "4.7.0", hostname + " Error: too much pipelined input");
    }
}
