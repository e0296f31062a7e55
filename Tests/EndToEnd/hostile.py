#!/usr/bin/env python3
"""Hostile clients against a running lecternd, each while a well-behaved client keeps calling
HealthService.Check and times every call. For each attack: the server stays up, the
well-behaved client's p99 stays within 10x of its unloaded p99, and the server's memory stays
bounded. Written from Protos/README.md with a hand-made protobuf encoder, like raw_client.py.

With HOSTILE_LATENCY=report (as Scripts/test runs it, on a machine it shares with the build)
the latency bound is printed, not enforced; everything else is.

Usage: hostile.py SOCKET LECTERND_PID"""
import multiprocessing
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from raw_client import (  # noqa: E402  (the frames of Protos/README.md, and a protobuf encoder)
    CALL_END, CALL_START, END_STREAM, GOAWAY, MESSAGE, PING, PONG, call_start, field, fields, frame, read_frame,
)

SOCKET = sys.argv[1]
PID = int(sys.argv[2])
failures = []


def connect(timeout=10):
    """A connection; when the server's accept backlog is full (EAGAIN), waits and tries again."""
    for attempt in range(200):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(SOCKET)
            return sock
        except BlockingIOError:
            sock.close()
            time.sleep(0.005)
    raise ConnectionError("the accept backlog stayed full")


class Client:
    """One connection; unary calls one at a time."""

    def __init__(self):
        self.sock = connect()
        self.next_id = 1

    def unary(self, method, request=b"", token=None, timeout_ms=0):
        call_id = self.next_id
        self.next_id += 1
        self.sock.sendall(frame(CALL_START, call_id, call_start(method, token, timeout_ms)) + frame(MESSAGE, call_id, request, END_STREAM))
        response = None
        while True:
            got = read_frame(self.sock)
            if got is None:
                raise ConnectionError("closed")
            kind, _, cid, payload = got
            if cid != call_id:
                continue
            if kind == MESSAGE:
                response = payload
            elif kind == CALL_END:
                status = fields(payload).get(1, [0])[0]
                return status, response


def check(name, condition, detail=""):
    if condition:
        print(f"ok: {name}")
    else:
        failures.append(name)
        print(f"FAILED: {name} {detail}")


def rss_mb():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def percentile(samples, p):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(len(samples) * p))] if samples else 0


class WellBehaved:
    """Calls Health.Check every 2 ms on its own connection and records each latency, in a
    process of its own: in the attacker's process, an attack's Python work (building an
    800 KB request) holds the interpreter's lock for up to its 5 ms switch interval, and the
    probe measured that instead of the server (p99 6.2 ms against 3.6 ms at a 0.2 ms
    interval, the same attack and server)."""

    def __init__(self):
        self.results, sender = multiprocessing.Pipe(duplex=False)
        self.stopping = multiprocessing.Event()
        self.process = multiprocessing.Process(target=WellBehaved.run, args=(sender, self.stopping), daemon=True)
        self.process.start()
        self.errors = 0
        if not self.results.poll(10) or self.results.recv() != "ready":
            raise RuntimeError("the well-behaved client did not start")

    @staticmethod
    def run(sender, stopping):
        client = Client()
        client.unary("/lectern.v1.HealthService/Check")  # warm: no connection set-up in the samples
        sender.send("ready")
        samples, errors = [], 0
        while not stopping.is_set():
            start = time.perf_counter()
            try:
                status, _ = client.unary("/lectern.v1.HealthService/Check")
                if status != 0:
                    errors += 1
            except Exception:
                errors += 1
                client = Client()
            samples.append(time.perf_counter() - start)
            time.sleep(0.002)
        sender.send((samples, errors))

    def stop(self):
        self.stopping.set()
        samples, self.errors = self.results.recv()
        self.process.join()
        return samples


def measured(name, attack, baseline_p99, rss_limit_mb, repeat_for=0):
    """Runs `attack` (again and again for `repeat_for` seconds, for quick ones) while the
    well-behaved client calls; checks its p99, errors, the server's RSS and life."""
    probe = WellBehaved()
    started = time.time()
    peak = rss_mb()
    watcher_running = [True]

    def watch_memory():
        nonlocal peak
        while watcher_running[0]:
            peak = max(peak, rss_mb())
            time.sleep(0.1)
    memory = threading.Thread(target=watch_memory, daemon=True)
    memory.start()
    try:
        attack()
        while time.time() - started < repeat_for:
            attack()
    except Exception as error:
        check(f"{name}: the attack ran", False, repr(error))
    # The p99 is taken over a window of at least 2 s that holds the attack, so that a short
    # burst is not judged on a handful of samples.
    time.sleep(max(0.0, 2.0 - (time.time() - started)))
    samples = probe.stop()
    watcher_running[0] = False
    memory.join()
    p99 = percentile(samples, 0.99)
    within = p99 <= 10 * baseline_p99
    label = f"{name}: the well-behaved client's p99 {p99 * 1000:.2f} ms is within 10x of unloaded ({baseline_p99 * 1000:.2f} ms)"
    if os.environ.get("HOSTILE_LATENCY") == "report" and not within:
        print(f"note (not enforced): {label}: no, {p99 / baseline_p99:.1f}x")
    else:
        check(label, within, f"({len(samples)} calls)")
    check(f"{name}: no well-behaved call failed", probe.errors == 0, f"({probe.errors} errors)")
    check(f"{name}: server RSS stayed under {rss_limit_mb:.0f} MB (peak {peak:.0f} MB)", peak < rss_limit_mb)
    alive = Client().unary("/lectern.v1.HealthService/Check")[0] == 0
    check(f"{name}: the server still serves ({time.time() - started:.1f} s)", alive)


# ---- the attacks ----
def truncated_frames():
    for n in range(300):
        sock = connect()
        whole = frame(CALL_START, 1, call_start("/lectern.v1.HealthService/Check"))
        sock.sendall(whole[: 1 + n % (len(whole) - 1)])
        sock.close()


def huge_length():
    sock = connect()
    sock.sendall(struct.pack(">IBBI", 0xFFFFFFFF, CALL_START, 0, 1))
    got = read_frame(sock)
    code = fields(got[3]).get(2, [0])[0] if got else None
    check("a 4 GiB length prefix is answered with GOAWAY RESOURCE_EXHAUSTED", got is not None and got[0] == GOAWAY and code == 8, repr(got))
    check("then the connection is closed", read_frame(sock) is None)


def large_call_starts():
    """8 connections each open 40 calls whose CALL_START carries 4 MB of metadata and never
    send a request: 1.3 GB the server would hold if it kept them."""
    metadata = field(2, field(1, "x-padding") + field(2, "p" * (4 * 1024 * 1024 - 200)))
    payload = field(1, "/lectern.v1.ReaderService/GetMyState") + metadata
    socks = [connect() for _ in range(8)]
    for sock in socks:
        for call_id in range(1, 41):
            sock.sendall(frame(CALL_START, call_id, payload))
    got = read_frame(socks[0])
    code = fields(got[3]).get(1, [0])[0] if got and got[0] == CALL_END else None
    check("a CALL_START over the size limit ends its call with RESOURCE_EXHAUSTED", code == 8, repr(got and got[:3]))
    for sock in socks:
        sock.close()


def slow_frame():
    sock = connect(timeout=30)
    whole = frame(CALL_START, 1, call_start("/lectern.v1.HealthService/Check"))
    started = time.time()
    closed_after = None
    for byte in whole:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            closed_after = time.time() - started
            break
        sock.settimeout(1.0)
        try:
            got = read_frame(sock)
            if got is None or got[0] == GOAWAY:
                closed_after = time.time() - started
                break
        except socket.timeout:
            pass
    check("a frame sent one byte per second is cut off by the 10 s frame timeout",
          closed_after is not None and 9 <= closed_after <= 14, f"closed after {closed_after}")


def idle_connections():
    sockets = []
    try:
        for _ in range(5000):
            sockets.append(connect())
        time.sleep(2)
        # Every one is still open and served.
        sample = sockets[:: 500]
        answered = 0
        for sock in sample:
            sock.sendall(frame(PING, 0, field(1, 1)[:0] + b"\x09" + b"\x00" * 8))
            got = read_frame(sock)
            answered += got is not None and got[0] == PONG
        check("5,000 idle connections stay open and answer PING", answered == len(sample), f"{answered}/{len(sample)}")
    finally:
        for sock in sockets:
            sock.close()


def churn():
    def worker():
        for _ in range(1500):
            sock = connect()
            sock.close()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def deadlines_past():
    client = Client()
    codes = set()
    for n in range(300):
        client.sock.sendall(frame(CALL_START, 1000 + n, call_start("/lectern.v1.HealthService/Watch", timeout_ms=1)) + frame(MESSAGE, 1000 + n, b"", END_STREAM))
    ended = 0
    while ended < 300:
        got = read_frame(client.sock)
        if got is None:
            break
        if got[0] == CALL_END:
            ended += 1
            codes.add(fields(got[3]).get(1, [0])[0])
    check("300 calls whose deadline passes at once each end with DEADLINE_EXCEEDED", ended == 300 and codes == {4}, f"{ended} {codes}")


def failed_logins():
    client = Client()
    codes = {}
    for n in range(500):
        status, _ = client.unary("/lectern.v1.AuthService/Login", field(1, "victim@example.org") + field(2, f"wrong {n}") + field(3, 1))
        codes[status] = codes.get(status, 0) + 1
    check("a flood of 500 failed logins is throttled (RESOURCE_EXHAUSTED) after a few", codes.get(8, 0) >= 490, repr(codes))


def tally_call_ends(sock, count, codes):
    """Reads `sock` until `count` calls ended, adding each CALL_END's status to `codes`;
    false if the connection closed first."""
    ended = 0
    while ended < count:
        got = read_frame(sock)
        if got is None:
            return False
        if got[0] == CALL_END:
            ended += 1
            code = fields(got[3]).get(1, [0])[0]
            codes[code] = codes.get(code, 0) + 1
    return True


def signup_flood():
    """Sign-ups 16 at a time on one connection for 3 s: argon2id, which would fill both cores."""
    client = Client()
    codes, started, batch = {}, time.time(), 0
    while time.time() - started < 3:
        batch += 1
        for n in range(16):
            request = field(1, f"flood-{batch}-{n}@example.org") + field(2, "flood password") + field(3, "Flood")
            client.sock.sendall(frame(CALL_START, n + 1, call_start("/lectern.v1.AuthService/SignUp")) + frame(MESSAGE, n + 1, request, END_STREAM))
        if not tally_call_ends(client.sock, 16, codes):
            check("a flood of sign-ups is served", False, "the connection closed")
            return
    check(f"a flood of sign-ups is served ({codes.get(0, 0)} in 3 s)", set(codes) == {0}, repr(codes))


def signups_at_once():
    """1,000 sign-ups sent at once on one connection. At most 128 wait for their hash; the
    rest are refused at once with RESOURCE_EXHAUSTED. A login sent meanwhile takes turns with
    them: in one queue it waited behind every sign-up (more than 10 s)."""
    admin = Client()
    admin.unary("/lectern.v1.AuthService/SignUp", field(1, "early@example.org") + field(2, "early password") + field(3, "Early"))
    flood = connect()
    count = 1000
    flood.sendall(b"".join(
        frame(CALL_START, n, call_start("/lectern.v1.AuthService/SignUp"))
        + frame(MESSAGE, n, field(1, f"burst-{n}@example.org") + field(2, "burst password") + field(3, "Burst"), END_STREAM)
        for n in range(1, count + 1)))
    time.sleep(0.2)
    started = time.time()
    status, _ = Client().unary("/lectern.v1.AuthService/Login", field(1, "early@example.org") + field(2, "early password") + field(3, 1), timeout_ms=5000)
    check(f"a login while 1,000 sign-ups wait is answered within its 5 s deadline ({time.time() - started:.2f} s)", status == 0, f"status {status}")
    codes = {}
    flood.settimeout(120)
    tally_call_ends(flood, count, codes)
    check(f"1,000 sign-ups at once: the ones past the bound are refused with RESOURCE_EXHAUSTED ({codes.get(8, 0)}), the rest created ({codes.get(0, 0)})",
          set(codes) <= {0, 8} and codes.get(8, 0) > 0 and codes.get(0, 0) >= 100 and sum(codes.values()) == count, repr(codes))
    flood.close()


def one_reader_floods_writes():
    """One reader sends 4,000 AppendEvents of 200 events at once on four connections. They
    reach the store's write queue 8 at a time; another reader's append, sent a second later,
    is answered within its 1 s deadline. When all of them queued at once, it waited 3.6 s
    behind them, and 8,192 of them would have filled the queue. Not measured against the
    well-behaved client: 800,000 events written as fast as the server can load both cores,
    which is the point of the check on the other reader instead."""
    admin = Client()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "flooder@example.org") + field(2, "flooder password") + field(3, "Flooder"))
    flooder = fields(response)[2][0].decode()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "bystander@example.org") + field(2, "bystander password") + field(3, "Bystander"))
    bystander = fields(response)[2][0].decode()
    calls, sequence, batches = 1000, 0, []
    for _ in range(4):
        frames = []
        for n in range(1, calls + 1):
            events = b"".join(field(1, field(1, "s") + field(2, sequence + k) + field(3, "page_view")) for k in range(1, 201))
            sequence += 200
            frames.append(frame(CALL_START, n, call_start("/lectern.v1.ReaderService/AppendEvents", flooder)) + frame(MESSAGE, n, events, END_STREAM))
        batches.append(b"".join(frames))
    floods = [connect() for _ in batches]
    for flood, batch in zip(floods, batches):
        threading.Thread(target=flood.sendall, args=(batch,), daemon=True).start()
    time.sleep(1)
    started = time.time()
    status, _ = Client().unary("/lectern.v1.ReaderService/AppendEvents", field(1, field(1, "s") + field(2, 1) + field(3, "page_view")), bystander, timeout_ms=1000)
    check(f"another reader's append while one reader's 4,000 wait is answered within its 1 s deadline ({time.time() - started:.2f} s)", status == 0, f"status {status}")
    codes = {}
    for flood in floods:
        flood.settimeout(120)
        tally_call_ends(flood, calls, codes)
        flood.close()
    check(f"the flooding reader's 4,000 appends are all stored ({codes.get(0, 0)})", codes == {0: len(floods) * calls}, repr(codes))
    check("the server still serves after one reader's 4,000 appends", Client().unary("/lectern.v1.HealthService/Check")[0] == 0)


def one_reader_floods_pages():
    """One reader asks for 4,000 history pages of 1,000 events at once on four connections
    and reads none. They are read 2 at a time; another reader's page, asked for half a second
    later, is answered within its 0.5 s deadline (it waited 2.3 s behind them in the shared
    queue of pages)."""
    admin = Client()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "reading-flooder@example.org") + field(2, "flooder password") + field(3, "Flooder"))
    flooder = fields(response)[2][0].decode()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "reading-bystander@example.org") + field(2, "bystander password") + field(3, "Bystander"))
    bystander = fields(response)[2][0].decode()
    write_events(flooder, batches=20, payload_bytes=200, what="the pages are written")
    write_events(bystander, batches=1, payload_bytes=200, what="the pages are written")
    request = field(1, 1000) + field(3, "page_view")
    batch = b"".join(frame(CALL_START, n, call_start("/lectern.v1.ReaderService/ListMyEvents", flooder)) + frame(MESSAGE, n, request, END_STREAM)
                     for n in range(1, 1001))
    floods = [connect() for _ in range(4)]
    for flood in floods:
        threading.Thread(target=flood.sendall, args=(batch,), daemon=True).start()
    time.sleep(0.5)
    started = time.time()
    status, _ = Client().unary("/lectern.v1.ReaderService/ListMyEvents", field(1, 50), bystander, timeout_ms=500)
    check(f"another reader's page while one reader's 4,000 wait is answered within its 0.5 s deadline ({time.time() - started:.2f} s)", status == 0, f"status {status}")
    for flood in floods:
        flood.close()
    check("the server still serves after one reader's 4,000 pages", Client().unary("/lectern.v1.HealthService/Check")[0] == 0)


def write_events(reader, batches, payload_bytes, what):
    """Appends `batches` calls of 100 events with payloads of `payload_bytes` as `reader`;
    false, after a failed check, if one is refused."""
    writer = Client()
    payload = b"x" * payload_bytes
    sequence = 0
    for _ in range(batches):
        # Joined once: adding to one bytes object copied it each time, 40 MB a batch of
        # this process's CPU that the well-behaved client's calls then waited for.
        events = b"".join(field(1, field(1, "s") + field(2, sequence + n) + field(3, "page_view") + field(7, payload)) for n in range(1, 101))
        sequence += 100
        status, _ = writer.unary("/lectern.v1.ReaderService/AppendEvents", events, reader)
        if status != 0:
            check(f"the writers keep writing while {what}", False, f"status {status}")
            return False
    return True


def watch_never_read():
    admin = Client()
    status, _ = admin.unary("/lectern.v1.AdminService/CreateConsultant",
                            field(1, "watcher@staff.org") + field(2, "watcher password") + field(3, "Watcher") + field(4, 1))
    status, response = admin.unary("/lectern.v1.AuthService/Login", field(1, "watcher@staff.org") + field(2, "watcher password") + field(3, 2))
    consultant = fields(response)[1][0].decode()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "writer@example.org") + field(2, "writer password") + field(3, "Writer"))
    reader = fields(response)[2][0].decode()
    # The watcher: a small receive buffer, and it never reads.
    lazy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.connect(SOCKET)
    lazy.sendall(frame(CALL_START, 1, call_start("/lectern.v1.ConsultantService/Watch", consultant)) + frame(MESSAGE, 1, b"", END_STREAM))
    if not write_events(reader, batches=150, payload_bytes=2000, what="a watcher does not read"):
        return
    # Now read what the watcher was sent: its stream must have been ended for falling behind.
    lazy.settimeout(10)
    end = None
    while True:
        got = read_frame(lazy)
        if got is None:
            break
        if got[0] == CALL_END:
            end = fields(got[3]).get(1, [0])[0]
            break
    check("a Watch client that never reads is ended with RESOURCE_EXHAUSTED; 15,000 events written meanwhile", end == 8, f"end {end}")
    lazy.close()


def lazy_calls(start, request, count):
    """A connection with a small receive buffer that sends `count` calls of `start` and
    `request` at once, and reads nothing until told."""
    lazy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.connect(SOCKET)
    lazy.sendall(b"".join(frame(CALL_START, n, start) + frame(MESSAGE, n, request, END_STREAM) for n in range(1, count + 1)))
    return lazy


def many_watchers_never_read():
    """One consultant opens 1,000 Watch streams on two connections and reads none, while
    events of 8 KB are written: each stream the server kept would hold a copy of what it
    could not send (3.5 GB with 2,000 streams before streams per consultant were capped)."""
    admin = Client()
    admin.unary("/lectern.v1.AdminService/CreateConsultant",
                field(1, "many@staff.org") + field(2, "many password") + field(3, "Many") + field(4, 1))
    status, response = admin.unary("/lectern.v1.AuthService/Login", field(1, "many@staff.org") + field(2, "many password") + field(3, 2))
    consultant = fields(response)[1][0].decode()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "many-writer@example.org") + field(2, "writer password") + field(3, "Writer"))
    reader = fields(response)[2][0].decode()
    lazies = [lazy_calls(call_start("/lectern.v1.ConsultantService/Watch", consultant), b"", 500) for _ in range(2)]
    write_events(reader, batches=60, payload_bytes=8000, what="1,000 watchers do not read")
    for lazy in lazies:
        lazy.close()


def unread_pages():
    """A reader sends 1,000 ListMyEvents calls of about 1 MiB each on one connection and
    reads no answer. Each waiting response used to stay in memory (and each page read all
    16 MB of its 1,000 events for the 1 MiB it returns): lecternd held 8.6 GB."""
    admin = Client()
    status, response = admin.unary("/lectern.v1.AuthService/SignUp", field(1, "pages@example.org") + field(2, "pages password") + field(3, "Pages"))
    reader = fields(response)[2][0].decode()
    write_events(reader, batches=10, payload_bytes=16000, what="the pages are written")
    start = call_start("/lectern.v1.ReaderService/ListMyEvents", reader)
    lazies = [lazy_calls(start, field(1, 1000), 1000)]
    time.sleep(3)
    # What the first connection was sent: some pages, then calls that say their response was dropped.
    lazies[0].settimeout(10)
    pages = dropped = 0
    while pages + dropped < 1000:
        got = read_frame(lazies[0])
        if got is None:
            break
        if got[0] == MESSAGE:
            pages += 1
        elif got[0] == CALL_END and fields(got[3]).get(1, [0])[0] == 8:
            dropped += 1
    check(f"a connection that reads no answers gets some pages ({pages}), then RESOURCE_EXHAUSTED for the calls whose pages were dropped ({dropped})",
          pages > 0 and dropped > 0 and pages + dropped == 1000, f"{pages} + {dropped}")
    for lazy in lazies:
        lazy.close()


def main():
    warm = WellBehaved()
    time.sleep(3)
    baseline = warm.stop()
    baseline_p99 = max(percentile(baseline, 0.99), 0.0005)
    base_rss = rss_mb()
    print(f"unloaded: {len(baseline)} calls, p50 {percentile(baseline, 0.5) * 1000:.2f} ms, p99 {baseline_p99 * 1000:.2f} ms; server RSS {base_rss:.0f} MB")
    limit = base_rss + 300
    for name, attack, repeat_for in [
        ("truncated frames", truncated_frames, 0),
        ("a 4 GiB length prefix", huge_length, 0),
        ("a frame one byte per second", slow_frame, 0),
        ("5,000 idle connections", idle_connections, 0),
        ("connect/disconnect churn", churn, 3),
        ("deadlines already past", deadlines_past, 0),
        ("a flood of failed logins", failed_logins, 0),
        ("a flood of sign-ups", signup_flood, 0),
        ("1,000 sign-ups sent at once", signups_at_once, 0),
        ("a Watch client that never reads", watch_never_read, 0),
        ("1,000 Watch streams of one consultant that never read", many_watchers_never_read, 0),
        ("calls held open by 4 MB CALL_STARTs", large_call_starts, 0),
        # Last: the memory it leaves with the allocator would count against the attacks after it.
        ("1,000 pages of 1 MiB asked for and never read", unread_pages, 0),
    ]:
        measured(name, attack, baseline_p99, limit, repeat_for)
    one_reader_floods_writes()
    one_reader_floods_pages()
    print(f"hostile: {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
