#!/usr/bin/env python3
"""What a reader's 100-event history page of large events costs lecternd, and what it does to
another connection's calls.

usage: Scripts/bench/page_stall.py SOCKET PID [PAYLOAD_BYTES]

Signs up a reader on the lecternd serving SOCKET (process PID) and appends 100 events of
PAYLOAD_BYTES each (default 16,384, the largest allowed). Then:
1. 400 ListMyEvents of page_size 100, one at a time: lecternd's CPU per page
   (/proc/PID/stat, user + system);
2. four clients, each on its own connection, ask for such pages as fast as they are
   answered, while a fifth times HealthService.Check on another connection for 5 s:
   Check's p50, p99 and max, and the pages answered per second.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "EndToEnd"))
from raw_client import (  # noqa: E402  (the frames of Protos/README.md, and a protobuf encoder)
    CALL_END, CALL_START, END_STREAM, MESSAGE, call_start, connect, field, fields, frame, read_frame,
)
from connection_cost import cpu_seconds  # noqa: E402  (a process's CPU time, from /proc)


def token_of(sign_up_response):
    """SignUpResponse's token (field 2)."""
    return fields(sign_up_response)[2][0].decode()


class Client:
    """One connection; unary calls one at a time, each answered OK or raising."""

    def __init__(self, path):
        self.sock = connect(path)
        self.next_id = 1

    def unary(self, method, request=b"", token=None):
        call_id = self.next_id
        self.next_id += 1
        self.sock.sendall(frame(CALL_START, call_id, call_start(method, token)) + frame(MESSAGE, call_id, request, END_STREAM))
        response = None
        while True:
            kind, _, got_id, payload = read_frame(self.sock)
            if got_id != call_id:
                continue
            if kind == MESSAGE:
                response = payload
            elif kind == CALL_END:
                status = fields(payload).get(1, [0])[0]
                if status != 0:
                    raise RuntimeError(f"{method}: status {status}")
                return response


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, pid = sys.argv[1], int(sys.argv[2])
    payload = int(sys.argv[3]) if len(sys.argv) == 4 else 16384
    admin = Client(path)
    email = f"pages-{os.getpid()}-{time.time_ns()}@example.org"
    token = token_of(admin.unary("/lectern.v1.AuthService/SignUp", field(1, email) + field(2, "page stall password") + field(3, "Pages")))
    events = b"".join(field(1, field(1, "s") + field(2, n) + field(3, "page_view") + field(7, b"x" * payload)) for n in range(1, 101))
    admin.unary("/lectern.v1.ReaderService/AppendEvents", events, token)
    page = field(1, 100)

    client, count = Client(path), 400
    before, started = cpu_seconds(pid), time.time()
    for _ in range(count):
        response = client.unary("/lectern.v1.ReaderService/ListMyEvents", page, token)
    took, cpu = time.time() - started, cpu_seconds(pid) - before
    print(f"{payload}-byte events: a page of {len(response)} bytes; one at a time, "
          f"{1e6 * took / count:.0f} µs a page, lecternd's CPU {1e6 * cpu / count:.0f} µs a page")

    stop, pages = threading.Event(), [0] * 4

    def ask(n):
        reader = Client(path)
        while not stop.is_set():
            reader.unary("/lectern.v1.ReaderService/ListMyEvents", page, token)
            pages[n] += 1

    threads = [threading.Thread(target=ask, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    checker, latencies = Client(path), []
    started = time.time()
    while time.time() - started < 5:
        call = time.perf_counter()
        checker.unary("/lectern.v1.HealthService/Check")
        latencies.append(time.perf_counter() - call)
    stop.set()
    for thread in threads:
        thread.join()
    latencies.sort()
    print(f"four clients paging ({sum(pages) / 5.5:.0f} pages/s): Check p50 {1e6 * latencies[len(latencies) // 2]:.0f} µs, "
          f"p99 {1e6 * latencies[int(len(latencies) * 0.99)]:.0f} µs, max {1e6 * latencies[-1]:.0f} µs")


if __name__ == "__main__":
    main()
