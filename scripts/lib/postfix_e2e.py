"""Helpers for scripts/postfix-e2e: test messages, SMTP probes and the smtp-sink dump check.

Run with Debian's /usr/bin/python3 (standard library only). Every command prints one line of
detail and exits 0 when the check holds, 1 when it does not, 2 on bad usage.

  free-ports N                        N distinct free TCP ports on loopback
  has-ipv6                            exit 0 when ::1 can be bound
  message DIR NAME SIZE               DIR/NAME.eml (canonical, LF) and DIR/NAME.swaks (for swaks --data @)
  rcpt SRC HOST PORT                  EHLO, MAIL, one RCPT from SRC: prints the RCPT reply
  poll SRC HOST PORT REGEX TIMEOUT    repeats `rcpt` until the reply matches REGEX; prints the time
  send-many SRC HOST PORT DIR NAME N  N messages over ONE connection (DIR/NAME-i.eml)
  sink-wait SINK EML TIMEOUT [RCPT..] waits for EML's message in the smtp-sink dumps; byte compare
  sink-absent SINK NAME...            no dump holds a message whose Message-ID names NAME
  mail-wait SINK RCPT SUBJECT_RE T [TEXT..]  waits for a message to RCPT (envelope and To:) whose
                                      Subject matches SUBJECT_RE; each TEXT must be in its body
  mail-once SINK SUBJECT_RE T RCPT..  waits until each RCPT has a message whose Subject matches
                                      SUBJECT_RE; then each exactly one, and no one else any
  retry-at TEXT                       the epoch seconds of "try again after YYYY-MM-DD HH:MM:SS UTC"
  contacts JSON_FILE                  the distinct contact addresses in `relaygate list --json` output
"""

import calendar
import email
import email.header
import email.policy
import glob
import json
import os
import random
import re
import smtplib
import socket
import sys
import time

DOMAIN = "e2e.test"
SENDER = "device@dept.e2e.test"
PROBE_RCPT = "probe@outside.example"


def message_id(name):
    return "<%s@%s>" % (name, DOMAIN)


def build_message(name, size, to="someone@outside.example"):
    """A message of about `size` bytes that exercises SMTP transparency (RFC 5321 4.5.2 dot
    stuffing, leading/trailing blanks, tabs) and ends with LF. Deterministic per name."""
    rnd = random.Random(name)
    head = [
        "From: Device <%s>" % SENDER,
        "To: <%s>" % to,
        "Subject: relaygate e2e %s" % name,
        "Date: Mon, 30 Nov 2026 10:00:00 +0000",
        "Message-ID: %s" % message_id(name),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Body of %s." % name,
        ".a line that starts with a dot",
        "..two dots",
        ".",
        " a leading space, and trailing blanks   \t",
        "\ttab first",
        "From the start of a line",
        "",
    ]
    lines = list(head)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    total = sum(len(l) + 1 for l in lines)
    while total < size:
        line = "".join(rnd.choice(alphabet) for _ in range(76))
        lines.append(line)
        total += 77
    lines.append("end of %s" % name)
    return ("\n".join(lines) + "\n").encode("ascii")


def cmd_free_ports(n):
    socks, ports = [], []
    try:
        while len(ports) < int(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            socks.append(s)
            if ipv6_ok() and not free_on_v6(port):
                continue
            ports.append(port)
    finally:
        for s in socks:
            s.close()
    print(" ".join(str(p) for p in ports))
    return 0


def free_on_v6(port):
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", port))
        return True
    except OSError:
        return False


def ipv6_ok():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def cmd_message(directory, name, size):
    data = build_message(name, int(size))
    with open(os.path.join(directory, name + ".eml"), "wb") as f:
        f.write(data)
    # swaks sends its data and then CRLF.CRLF, adding a line break of its own: give it the
    # message without its last LF so that what goes over the wire is exactly the .eml.
    with open(os.path.join(directory, name + ".swaks"), "wb") as f:
        f.write(data[:-1])
    print("%s.eml: %d bytes" % (name, len(data)))
    return 0


def connect(src, host, port, timeout=30):
    return smtplib.SMTP(host, int(port), local_hostname="dev.dept.e2e.test", timeout=timeout,
                        source_address=(src, 0))


def rcpt_reply(src, host, port):
    """The reply to one RCPT TO from src, as 'CODE TEXT'; 'ERROR ...' when the session failed."""
    try:
        with connect(src, host, port, timeout=15) as smtp:
            smtp.ehlo()
            code, text = smtp.mail(SENDER)
            if code != 250:
                return "%d %s (at MAIL)" % (code, text.decode(errors="replace"))
            code, text = smtp.rcpt(PROBE_RCPT)
            smtp.rset()
            return "%d %s" % (code, text.decode(errors="replace").replace("\n", " "))
    except (OSError, smtplib.SMTPException) as e:
        return "ERROR %s" % e


def cmd_rcpt(src, host, port):
    print(rcpt_reply(src, host, port))
    return 0


def cmd_poll(src, host, port, regex, timeout):
    pattern = re.compile(regex)
    start = time.monotonic()
    deadline = start + float(timeout)
    while True:
        reply = rcpt_reply(src, host, port)
        elapsed = time.monotonic() - start
        if pattern.search(reply):
            print("after %.2f s: %s" % (elapsed, reply))
            return 0
        if time.monotonic() >= deadline:
            print("still no match after %.2f s; last reply: %s" % (elapsed, reply))
            return 1
        time.sleep(0.05)


def cmd_send_many(src, host, port, directory, name, count):
    results = []
    with connect(src, host, port) as smtp:
        smtp.ehlo()
        for i in range(1, int(count) + 1):
            msg_name = "%s-%d" % (name, i)
            data = build_message(msg_name, 2000)
            with open(os.path.join(directory, msg_name + ".eml"), "wb") as f:
                f.write(data)
            # smtplib sends bytes as they are: give it CRLF lines (RFC 5321 2.3.8), ending in
            # CRLF so that it adds no line of its own before the final dot.
            refused = smtp.sendmail(SENDER, ["someone@outside.example"], data.replace(b"\n", b"\r\n"))
            results.append("%s:%s" % (msg_name, "refused %s" % refused if refused else "250"))
    print(" ".join(results))
    return 0 if all(r.endswith(":250") for r in results) else 1


def sink_messages(sink):
    """(path, bytes) of every smtp-sink dump file."""
    out = []
    for path in sorted(glob.glob(os.path.join(sink, "*"))):
        try:
            with open(path, "rb") as f:
                out.append((path, f.read()))
        except OSError:
            pass
    return out


def split_dump(dump):
    """smtp-sink's dump: its own X-* records and three-line Received header, then the message as
    received (here: Postfix's Received header, then the client's message), then one empty line.
    Returns (rcpts, message_without_postfix_received) or None when the dump is not complete."""
    lines = dump.split(b"\n")
    rcpts = [l[len(b"X-Rcpt-Args: "):].split(b" ")[0].strip(b"<>").decode()
             for l in lines if l.startswith(b"X-Rcpt-Args: ")]
    i = next((n for n, l in enumerate(lines) if l.startswith(b"Received: ")), None)
    if i is None:
        return None
    i += 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1  # the sink's own Received continuation lines
    if i >= len(lines) or not lines[i].startswith(b"Received: "):
        return None
    i += 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1  # Postfix's Received continuation lines
    rest = b"\n".join(lines[i:])
    if not rest.endswith(b"\n\n"):
        return None  # still being written
    return rcpts, rest[:-1]


def cmd_sink_wait(sink, eml, timeout, *rcpts):
    with open(eml, "rb") as f:
        expected = f.read()
    mid = re.search(rb"^Message-ID: (.*)$", expected, re.M).group(1)
    deadline = time.monotonic() + float(timeout)
    detail = "no dump with Message-ID %s" % mid.decode()
    while time.monotonic() < deadline:
        found = [(p, d) for p, d in sink_messages(sink) if b"\nMessage-ID: " + mid + b"\n" in d]
        parts = [split_dump(d) for _, d in found]
        if found and all(parts):
            got_rcpts = sorted(r for part in parts for r in part[0])
            bodies = [part[1] for part in parts]
            if rcpts and got_rcpts != sorted(rcpts):
                detail = "recipients at the sink %s, expected %s" % (got_rcpts, sorted(rcpts))
            elif any(b != expected for b in bodies):
                detail = first_difference(expected, next(b for b in bodies if b != expected))
            else:
                print("identical: %d bytes in %d delivery(ies) to %s" % (len(expected), len(found), ",".join(got_rcpts)))
                return 0
        time.sleep(0.05)
    print(detail)
    return 1


def first_difference(expected, got):
    n = next((i for i in range(min(len(expected), len(got))) if expected[i] != got[i]), min(len(expected), len(got)))
    return "differs at byte %d of %d (got %d bytes): expected %r, got %r" % (
        n, len(expected), len(got), expected[n:n + 40], got[n:n + 40])


def cmd_sink_absent(sink, *names):
    present = set()
    for _, dump in sink_messages(sink):
        for name in names:
            if b"Message-ID: " + message_id(name).encode() in dump:
                present.add(name)
    if present:
        print("reached the sink: %s" % " ".join(sorted(present)))
        return 1
    print("none of %d refused messages reached the sink" % len(names))
    return 0


def parse_dump(dump):
    """(envelope recipients, message) of an smtp-sink dump of mail that came straight from its
    client (the mailer), i.e. with only the sink's own Received header before the message."""
    lines = dump.split(b"\n")
    rcpts = [l[len(b"X-Rcpt-Args: "):].split(b" ")[0].strip(b"<>").decode().lower()
             for l in lines if l.startswith(b"X-Rcpt-Args: ")]
    i = next((n for n, l in enumerate(lines) if l.startswith(b"Received: ")), len(lines))
    i += 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1
    return rcpts, email.message_from_bytes(b"\n".join(lines[i:]), policy=email.policy.compat32)


def header(msg, name):
    value = msg.get(name)
    if value is None:
        return ""
    return str(email.header.make_header(email.header.decode_header(value))).replace("\n", " ")


def body_text(msg):
    part = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), msg)
    payload = part.get_payload(decode=True) or b""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def cmd_mail_wait(sink, rcpt, subject_re, timeout, *texts):
    pattern = re.compile(subject_re)
    deadline = time.monotonic() + float(timeout)
    detail = "no message to %s with a Subject matching %r" % (rcpt, subject_re)
    while time.monotonic() < deadline:
        for _, dump in sink_messages(sink):
            if not dump.endswith(b"\n\n"):
                continue  # still being written
            rcpts, msg = parse_dump(dump)
            subject = header(msg, "Subject")
            if rcpts != [rcpt.lower()] or not pattern.search(subject):
                continue
            body = body_text(msg)
            missing = [t for t in texts if t not in body]
            if rcpt.lower() not in header(msg, "To").lower():
                detail = "To: is %r, not %s" % (header(msg, "To"), rcpt)
            elif missing:
                detail = "Subject %r, but the body lacks %s" % (subject, missing)
            else:
                print("to <%s> (To: %s) from %s: Subject: %s; the body names %s"
                      % (rcpt, header(msg, "To"), header(msg, "From"), subject, ", ".join(texts) or "-"))
                return 0
        time.sleep(0.1)
    print(detail)
    return 1


def notices(sink, subject_re):
    """{recipient: messages} of the complete dumps whose Subject matches subject_re."""
    pattern = re.compile(subject_re)
    counts = {}
    for _, dump in sink_messages(sink):
        if not dump.endswith(b"\n\n"):
            continue
        rcpts, msg = parse_dump(dump)
        if pattern.search(header(msg, "Subject")):
            for r in rcpts:
                counts[r] = counts.get(r, 0) + 1
    return counts


def cmd_mail_once(sink, subject, timeout, *rcpts):
    want = sorted({r.lower() for r in rcpts})
    deadline = time.monotonic() + float(timeout)
    counts = notices(sink, subject)
    while not all(r in counts for r in want) and time.monotonic() < deadline:
        time.sleep(0.1)
        counts = notices(sink, subject)
    missing = [r for r in want if r not in counts]
    doubled = sorted(r for r, n in counts.items() if n > 1)
    stray = sorted(r for r in counts if r not in want)
    if missing or doubled or stray:
        print("missing %s; more than once %s; not a contact %s" % (missing, doubled, stray))
        return 1
    print("%d distinct contacts, one message each" % len(want))
    return 0


def cmd_retry_at(text):
    found = re.search(r"try again after (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", text)
    if not found:
        print("no 'try again after ... UTC' in %r" % text)
        return 1
    print(calendar.timegm(time.strptime(found.group(1), "%Y-%m-%d %H:%M:%S")))
    return 0


def cmd_contacts(json_file):
    with open(json_file, encoding="utf-8") as f:
        text = f.read().strip()
    try:
        data = json.loads(text)
        rows = data if isinstance(data, list) else [data]
    except ValueError:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    print(" ".join(sorted({r["contact_email"].lower() for r in rows})))
    return 0


COMMANDS = {
    "free-ports": (cmd_free_ports, 1),
    "has-ipv6": (lambda: 0 if ipv6_ok() else 1, 0),
    "message": (cmd_message, 3),
    "rcpt": (cmd_rcpt, 3),
    "poll": (cmd_poll, 5),
    "send-many": (cmd_send_many, 6),
    "sink-wait": (cmd_sink_wait, 3),
    "sink-absent": (cmd_sink_absent, 1),
    "mail-wait": (cmd_mail_wait, 4),
    "mail-once": (cmd_mail_once, 4),
    "retry-at": (cmd_retry_at, 1),
    "contacts": (cmd_contacts, 1),
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
