#!/usr/bin/env python3
"""lecternd's CPU per connection opened and per connection closed.

usage: Scripts/bench/connection_cost.py SOCKET PID [CONNECTIONS]

Opens CONNECTIONS (default 5,000) connections to the lecternd serving SOCKET, waits a
second, closes them all, waits a second, and reads that process's CPU time
(/proc/PID/stat, user + system) around each step.
"""
import os
import socket
import sys
import time


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, pid = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 5000
    before = cpu_seconds(pid)
    started = time.time()
    connections = []
    for _ in range(count):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        connections.append(s)
    took = time.time() - started
    time.sleep(1.0)
    opened = cpu_seconds(pid)
    for s in connections:
        s.close()
    time.sleep(1.0)
    closed = cpu_seconds(pid)
    print(f"{count} connects in {took:.3f} s; lecternd's CPU per connect "
          f"{(opened - before) * 1e6 / count:.0f} µs, per close {(closed - opened) * 1e6 / count:.0f} µs")


if __name__ == "__main__":
    main()
