#!/usr/bin/env python3
"""Opens COUNT connections to lecternd and keeps them open, then calls HealthService.Check
(the bytes of Protos/README.md's example) on the last one: exit 0 when it answers SERVING.

Usage: many_connections.py SOCKET COUNT"""
import socket
import struct
import sys

path, count = sys.argv[1], int(sys.argv[2])
connections = []
for _ in range(count):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(5)
    connection.connect(path)
    connections.append(connection)
method = b"/lectern.v1.HealthService/Check"
start = b"\x0a" + bytes([len(method)]) + method
last = connections[-1]
last.sendall(struct.pack(">IBBI", len(start), 1, 0, 1) + start + struct.pack(">IBBI", 0, 2, 1, 1))
try:
    length, kind, _, call = struct.unpack(">IBBI", last.recv(10, socket.MSG_WAITALL))
    payload = last.recv(length, socket.MSG_WAITALL)
except (OSError, struct.error) as error:
    sys.exit(f"connection {count}: no answer ({error})")
if (kind, call, payload) != (2, 1, b"\x08\x01"):
    sys.exit(f"connection {count}: frame kind {kind} call {call} payload {payload.hex()}, not SERVING")
print(f"{count} connections open; the last one is served")
