"""Helpers for scripts/relay-e2e, beside those of postfix_e2e.py (test messages, free ports, the
smtp-sink dump check), which this module reuses.

Run with Debian's /usr/bin/python3 (standard library only). Every command prints one line of
detail and exits 0 when the check holds, 1 when it does not, 2 on bad usage.

  next-hop HOST PORT DUMPDIR [REJECT..]  an SMTP next hop that answers 550 5.1.1 at RCPT for each
                                       REJECT address and dumps every accepted message as smtp-sink
                                       -d does (one file each); prints "listening" once bound
  send-acked SRC HOST PORT DIR NAME N  N messages over one connection; prints each DATA reply;
                                       exit 0 only when every one was 250
  policy-text HOST PORT CLIENT         the policy server's action= for CLIENT at RCPT
  dsn-wait DUMPDIR SENDER RCPT MSGID T waits for the DSN to SENDER about RCPT's failure; checks it
  dsn-count DUMPDIR                    prints how many null-sender messages the dumps hold
  source-count DUMPDIR SENDER N T      waits until smtp-source's N messages from SENDER are in the
                                       dumps, each recipient (smtp-source -N: 1rcpt@, 2rcpt@ ...)
                                       exactly once
  all-once DUMPDIR EML...              every EML's Message-ID is in exactly one dump
"""

import email
import email.policy
import os
import re
import socket
import socketserver
import sys
import threading
import time

import postfix_e2e as common

MAX_LINE = 1 << 20


# ---------------------------------------------------------------- next hop

class NextHop(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address, dump_dir, reject):
        super().__init__(address, Session)
        self.dump_dir = dump_dir
        self.reject = {r.lower() for r in reject}
        self.counter = 0
        self.lock = threading.Lock()

    def next_id(self):
        with self.lock:
            self.counter += 1
            return "%06d%04x" % (self.counter, os.getpid() & 0xffff)


class Session(socketserver.StreamRequestHandler):
    """Just enough RFC 5321 for a relay's client: replies in order, so pipelined commands work."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.helo, self.proto = "", "SMTP"
        self.reset()
        self.reply("220 e2e-next-hop ESMTP")
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            command = line.rstrip(b"\r\n").decode("latin-1")
            if not self.dispatch(command.split(" ", 1)[0].upper(), command):
                return

    def reset(self):
        self.mail, self.rcpts = None, []

    def dispatch(self, verb, command):
        arg = command[len(verb):].strip()
        if verb in ("EHLO", "HELO"):
            self.helo, self.proto = arg, "ESMTP" if verb == "EHLO" else "SMTP"
            self.reset()
            self.reply("250-e2e-next-hop\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES"
                       if verb == "EHLO" else "250 e2e-next-hop")
        elif verb == "MAIL":
            self.reset()
            self.mail = arg[5:].strip()  # after "FROM:"
            self.reply("250 2.1.0 Ok")
        elif verb == "RCPT":
            self.rcpt(arg[3:].strip())
        elif verb == "DATA":
            self.data()
        elif verb == "RSET":
            self.reset()
            self.reply("250 2.0.0 Ok")
        elif verb == "NOOP":
            self.reply("250 2.0.0 Ok")
        elif verb == "QUIT":
            self.reply("221 2.0.0 Bye")
            return False
        else:
            self.reply("502 5.5.2 Error: command not recognized")
        return True

    def rcpt(self, arg):
        address = arg.split(" ")[0].strip("<>")
        if self.mail is None:
            self.reply("503 5.5.1 Error: need MAIL command")
        elif address.lower() in self.server.reject:
            self.reply("550 5.1.1 <%s>: Recipient address rejected: e2e: no such user" % address)
        else:
            self.rcpts.append(arg)
            self.reply("250 2.1.5 Ok")

    def data(self):
        if not self.rcpts:
            self.reply("554 5.5.1 Error: no valid recipients")
            return
        self.reply("354 End data with <CR><LF>.<CR><LF>")
        lines = []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            if line == b".\r\n":
                break
            if line.startswith(b"."):
                line = line[1:]  # RFC 5321 4.5.2
            lines.append(line[:-2] + b"\n" if line.endswith(b"\r\n") else line)
        queue_id = self.server.next_id()
        self.dump(queue_id, b"".join(lines))
        self.reset()
        self.reply("250 2.0.0 Ok: queued as %s" % queue_id)

    def dump(self, queue_id, message):
        """smtp-sink's -d format: X- records, its Received header, the message, an empty line."""
        head = ["X-Client-Addr: %s" % self.client_address[0], "X-Client-Proto: %s" % self.proto,
                "X-Helo-Args: %s" % self.helo, "X-Mail-Args: %s" % self.mail]
        head += ["X-Rcpt-Args: %s" % r for r in self.rcpts]
        head += ["Received: from %s ([%s])" % (self.helo, self.client_address[0]),
                 "\tby e2e-next-hop with %s id %s;" % (self.proto, queue_id),
                 "\t%s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())]
        data = ("\n".join(head) + "\n").encode("latin-1") + message + b"\n"
        tmp = os.path.join(self.server.dump_dir, ".tmp." + queue_id)
        with open(tmp, "wb") as f:
            f.write(data)
        # Atomic: a reader never sees half a dump.
        os.rename(tmp, os.path.join(self.server.dump_dir, queue_id))


def cmd_next_hop(host, port, dump_dir, *reject):
    server = NextHop((host, int(port)), dump_dir, reject)
    print("listening", flush=True)
    server.serve_forever()
    return 0


# ---------------------------------------------------------------- clients

def cmd_send_acked(src, host, port, directory, name, count):
    replies, ok = [], True
    with common.connect(src, host, port) as smtp:
        smtp.ehlo()
        for i in range(1, int(count) + 1):
            msg_name = "%s-%d" % (name, i)
            data = common.build_message(msg_name, 3000)
            with open(os.path.join(directory, msg_name + ".eml"), "wb") as f:
                f.write(data)
            code, text = smtp.mail(common.SENDER)
            if code == 250:
                code, text = smtp.rcpt("someone@outside.example")
            if code == 250:
                code, text = smtp.data(data.replace(b"\n", b"\r\n"))
            reply = "%d %s" % (code, text.decode(errors="replace"))
            ok = ok and code == 250
            replies.append("%s: %s" % (msg_name, reply))
            if code != 250:
                smtp.rset()
    print("; ".join(replies))
    return 0 if ok else 1


def cmd_policy_text(host, port, client):
    request = ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nclient_address=%s\n"
               "helo_name=dev.dept.e2e.test\nsender=%s\nrecipient=someone@outside.example\n\n") % (client, common.SENDER)
    with socket.create_connection((host, int(port)), timeout=15) as s:
        s.sendall(request.encode())
        answer = b""
        while not answer.endswith(b"\n\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    print(answer.decode().strip())
    return 0


# ---------------------------------------------------------------- dump checks

def records(dump):
    """(mail_from, [rcpt], message bytes after the sink's own Received header) of one dump."""
    lines = dump.split(b"\n")
    mail = next((l[len(b"X-Mail-Args: "):].split(b" ")[0].decode() for l in lines if l.startswith(b"X-Mail-Args: ")), "")
    rcpts = [l[len(b"X-Rcpt-Args: "):].split(b" ")[0].strip(b"<>").decode() for l in lines if l.startswith(b"X-Rcpt-Args: ")]
    i = next((n for n, l in enumerate(lines) if l.startswith(b"Received: ")), len(lines))
    i += 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1
    return mail, rcpts, b"\n".join(lines[i:])


def dumps(dump_dir):
    return [d for _, d in common.sink_messages(dump_dir)]


def null_sender(dump_dir):
    return [records(d) for d in dumps(dump_dir) if records(d)[0] == "<>"]


def dsn_problems(message, rcpt, msgid):
    """What is wrong with a DSN (RFC 3464) about rcpt's failure; empty when nothing."""
    msg = email.message_from_bytes(message, policy=email.policy.compat32)
    problems = []
    if msg.get_content_type() != "multipart/report" or msg.get_param("report-type") != "delivery-status":
        problems.append("Content-Type is %s; report-type=%s" % (msg.get_content_type(), msg.get_param("report-type")))
        return problems
    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    if len(parts) < 2 or types[1] != "message/delivery-status":
        return ["parts are %s, expected a message/delivery-status second" % types]
    status = parts[1].as_string()
    if not re.search(r"(?im)^Final-Recipient:\s*rfc822;\s*<?%s>?\s*$" % re.escape(rcpt), status):
        problems.append("no Final-Recipient: rfc822; %s" % rcpt)
    if not re.search(r"(?im)^Action:\s*failed\s*$", status):
        problems.append("no Action: failed")
    if not re.search(r"(?im)^Status:\s*5\.1\.1\s*$", status):
        problems.append("no Status: 5.1.1 (the next hop's code)")
    if "Recipient address rejected: e2e: no such user" not in status.replace("\n", " ").replace("  ", " "):
        problems.append("the next hop's 550 text is not in the Diagnostic-Code")
    if msgid.encode() not in message:
        problems.append("the original's Message-ID %s is not in the report" % msgid)
    return problems


def cmd_dsn_wait(dump_dir, sender, rcpt, msgid, timeout):
    deadline = time.monotonic() + float(timeout)
    detail = "no null-sender message to %s at the next hop" % sender
    while time.monotonic() < deadline:
        for mail, rcpts, message in null_sender(dump_dir):
            if rcpts != [sender]:
                detail = "a null-sender message to %s, not to %s" % (rcpts, sender)
                continue
            problems = dsn_problems(message, rcpt, msgid)
            if not problems:
                subject = email.message_from_bytes(message).get("Subject", "")
                print("MAIL FROM:<> to %s, multipart/report; report-type=delivery-status, Final-Recipient %s,"
                      " Action failed, Status 5.1.1; Subject: %s" % (sender, rcpt, subject))
                return 0
            detail = "; ".join(problems)
        time.sleep(0.1)
    print(detail)
    return 1


def cmd_dsn_count(dump_dir):
    print(len(null_sender(dump_dir)))
    return 0


def source_tally(dump_dir, sender):
    """{recipient number: deliveries} and the Message-Ids of smtp-source's messages from sender."""
    tally, ids = {}, []
    for dump in dumps(dump_dir):
        mail, rcpts, message = records(dump)
        if mail != "<%s>" % sender:
            continue
        for r in rcpts:
            m = re.match(r"^(\d+)", r)
            n = int(m.group(1)) if m else -1
            tally[n] = tally.get(n, 0) + 1
        found = re.search(rb"(?im)^Message-Id: (.*)$", message)
        ids.append(found.group(1) if found else b"")
    return tally, ids


def cmd_source_count(dump_dir, sender, count, timeout):
    n = int(count)
    deadline = time.monotonic() + float(timeout)
    while True:
        tally, ids = source_tally(dump_dir, sender)
        if sum(tally.values()) >= n or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    missing = [i for i in range(1, n + 1) if i not in tally]
    doubled = sorted(i for i, c in tally.items() if c > 1)
    stray = sorted(i for i in tally if not 1 <= i <= n)
    if missing or doubled or stray or len(set(ids)) != len(ids):
        print("%d deliveries; missing %d %s; doubled %s; unexpected %s; %d distinct Message-Ids in %d messages"
              % (sum(tally.values()), len(missing), missing[:10], doubled[:10], stray[:10], len(set(ids)), len(ids)))
        return 1
    print("%d messages, each recipient 1..%d exactly once, %d distinct Message-Ids" % (n, n, len(set(ids))))
    return 0


def cmd_all_once(dump_dir, *emls):
    counts = {}
    for eml in emls:
        with open(eml, "rb") as f:
            mid = re.search(rb"(?m)^Message-ID: (.*)$", f.read()).group(1)
        counts[eml] = sum(1 for d in dumps(dump_dir) if b"\nMessage-ID: " + mid + b"\n" in d)
    wrong = ["%s: %d" % (os.path.basename(e), c) for e, c in counts.items() if c != 1]
    if wrong:
        print("not delivered exactly once: %s" % ", ".join(wrong))
        return 1
    print("each of %d messages delivered exactly once" % len(emls))
    return 0


COMMANDS = {
    "next-hop": (cmd_next_hop, 3),
    "send-acked": (cmd_send_acked, 6),
    "policy-text": (cmd_policy_text, 3),
    "dsn-wait": (cmd_dsn_wait, 5),
    "dsn-count": (cmd_dsn_count, 1),
    "source-count": (cmd_source_count, 4),
    "all-once": (cmd_all_once, 2),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    func, min_args = COMMANDS[argv[1]]
    if len(argv) - 2 < min_args:
        print("%s needs at least %d arguments" % (argv[1], min_args), file=sys.stderr)
        return 2
    return func(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
