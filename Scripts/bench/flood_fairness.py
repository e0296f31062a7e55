#!/usr/bin/env python3
"""How a flood of pipelined calls from other clients holds up a well-behaved client's calls.

usage: Scripts/bench/flood_fairness.py SOCKET {events|state} [SECONDS]

Against the lecternd serving SOCKET: times HealthService.Check, one call at a time, for 2 s
unloaded; then signs up 8 readers (200 small events each) and, in a separate process, has
each flood from 2 connections at once: 500 calls sent in one write (ListMyEvents of 100
events, or GetMyState), all answers read, again on a new connection, for SECONDS (default
8). Meanwhile Check is timed again for 5 s. Prints Check's percentiles both ways.
"""
import multiprocessing
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "EndToEnd"))
from page_stall import Client, token_of  # noqa: E402
from raw_client import CALL_END, CALL_START, END_STREAM, MESSAGE, call_start, field, frame, read_frame  # noqa: E402

METHODS = {
    "events": ("/lectern.v1.ReaderService/ListMyEvents", field(1, 100)),
    "state": ("/lectern.v1.ReaderService/GetMyState", b""),
}


def check_latencies(path, seconds):
    client, latencies = Client(path), []
    end = time.time() + seconds
    while time.time() < end:
        started = time.perf_counter()
        client.unary("/lectern.v1.HealthService/Check")
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    return " ".join(f"{name} {1e6 * latencies[min(len(latencies) - 1, int(len(latencies) * q))]:.0f} µs"
                    for name, q in (("p50", 0.5), ("p99", 0.99), ("p99.9", 0.999))) + f" ({len(latencies)} calls)"


def flood(path, tokens, what, seconds, ready):
    method, request = METHODS[what]
    end = time.time() + seconds

    def one(token):
        start = call_start(method, token)
        batch = b"".join(frame(CALL_START, n, start) + frame(MESSAGE, n, request, END_STREAM) for n in range(1, 501))
        while time.time() < end:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            sock.sendall(batch)
            ended = 0
            while ended < 500:
                got = read_frame(sock)
                if got is None:
                    break
                ended += got[0] == CALL_END
            sock.close()

    threads = [threading.Thread(target=one, args=(token,)) for token in tokens for _ in range(2)]
    for thread in threads:
        thread.start()
    ready.set()
    for thread in threads:
        thread.join()


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in METHODS:
        sys.exit(__doc__)
    path, what = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) == 4 else 8.0
    print(f"unloaded: Check {check_latencies(path, 2)}")
    admin, tokens = Client(path), []
    for n in range(8):
        email = f"flood-{n}-{time.time_ns()}@example.org"
        token = token_of(admin.unary("/lectern.v1.AuthService/SignUp", field(1, email) + field(2, "flood password") + field(3, "Flood")))
        for batch in range(2):
            events = b"".join(field(1, field(1, "s") + field(2, batch * 100 + k) + field(3, "page_view") + field(7, b"x" * 200)) for k in range(1, 101))
            admin.unary("/lectern.v1.ReaderService/AppendEvents", events, token)
        tokens.append(token)
    ready = multiprocessing.Event()
    flooder = multiprocessing.Process(target=flood, args=(path, tokens, what, seconds, ready))
    flooder.start()
    ready.wait()
    time.sleep(1)
    print(f"while 8 readers flood {what} from 16 connections: Check {check_latencies(path, 5)}")
    flooder.join()


if __name__ == "__main__":
    main()
