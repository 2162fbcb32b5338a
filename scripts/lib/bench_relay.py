"""Helpers for scripts/bench-relay: one timed smtp-source run through a relay into smtp-sink's
per-transaction dumps (smtp-sink -d), and the exactly-once check of those dumps.

Run with Debian's /usr/bin/python3 (standard library only).

  run DUMPDIR N TIMEOUT -- CMD...   runs CMD (smtp-source), then waits until DUMPDIR holds N complete
                                    dumps or TIMEOUT seconds have passed since CMD started. Prints one
                                    line "sent=S delivered=D dumps=K source_status=X": S the seconds
                                    CMD ran, D the seconds from CMD's start to the newest dump's last
                                    write (the sink's mtime: not rounded to the polling interval).
                                    Exit 0 when CMD succeeded and N dumps arrived in time.
  tally DUMPDIR SENDER N           every recipient number 1..N (smtp-source -N: 1rcpt@, 2rcpt@ ...)
                                    in exactly one dump from SENDER, and every Message-Id distinct
"""

import os
import re
import subprocess
import sys
import time

POLL = 0.1


def complete(path):
    """A dump ends with the message's last line and smtp-sink's empty line: LF LF."""
    try:
        with open(path, "rb") as f:
            f.seek(-2, os.SEEK_END)
            return f.read(2) == b"\n\n"
    except OSError:
        return False


def cmd_run(dump_dir, count, timeout, *cmd):
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    n, limit = int(count), float(timeout)
    start_wall = time.time()
    start = time.monotonic()
    source = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sent, status = None, None
    done, pending = set(), set()
    while time.monotonic() - start < limit:
        if status is None and source.poll() is not None:
            status, sent = source.returncode, time.monotonic() - start
        with os.scandir(dump_dir) as it:
            pending.update(e.path for e in it if e.path not in done)
        for path in list(pending):
            if complete(path):
                pending.discard(path)
                done.add(path)
        if len(done) >= n and status is not None:
            break
        if status not in (None, 0):
            break  # smtp-source failed: the messages it did not send will never come
        time.sleep(POLL)
    if status is None:
        source.kill()
        status = "killed"
    err = source.stderr.read().decode(errors="replace").strip().replace("\n", " | ")
    newest = max((os.stat(p).st_mtime for p in done), default=start_wall)
    delivered = newest - start_wall
    print("sent=%s delivered=%.3f dumps=%d source_status=%s%s" % (
        "%.3f" % sent if sent is not None else "-", delivered, len(done), status,
        (" source_stderr=" + err[:300]) if err else ""))
    return 0 if status == 0 and len(done) >= n else 1


def cmd_tally(dump_dir, sender, count):
    n = int(count)
    tally, ids, other = {}, [], 0
    for name in os.listdir(dump_dir):
        with open(os.path.join(dump_dir, name), "rb") as f:
            dump = f.read()
        mail = re.search(rb"(?m)^X-Mail-Args: <([^>]*)>", dump)
        if not mail or mail.group(1).decode() != sender:
            other += 1
            continue
        for rcpt in re.findall(rb"(?m)^X-Rcpt-Args: <(\d+)", dump):
            tally[int(rcpt)] = tally.get(int(rcpt), 0) + 1
        found = re.search(rb"(?im)^Message-Id: (.*)$", dump)
        ids.append(found.group(1) if found else b"")
    missing = [i for i in range(1, n + 1) if i not in tally]
    doubled = sorted(i for i, c in tally.items() if c > 1)
    stray = sorted(i for i in tally if not 1 <= i <= n)
    deliveries = sum(tally.values())
    if missing or doubled or stray or other or len(set(ids)) != len(ids) or deliveries != n:
        print("%d deliveries; missing %d %s; doubled %d %s; unexpected %s; %d other dumps; %d distinct Message-Ids in %d"
              % (deliveries, len(missing), missing[:10], len(doubled), doubled[:10], stray[:10], other,
                 len(set(ids)), len(ids)))
        return 1
    print("%d messages, recipients 1..%d each exactly once, %d distinct Message-Ids" % (n, n, len(set(ids))))
    return 0


COMMANDS = {"run": (cmd_run, 4), "tally": (cmd_tally, 3)}


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
