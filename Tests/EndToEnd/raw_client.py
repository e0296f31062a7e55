#!/usr/bin/env python3
"""A client written from Protos/README.md alone, with no protobuf library: it sends the
README's example bytes for HealthService.Check and checks the answer byte for byte, then
breaks the protocol on purpose and checks the GOAWAY. Usage: raw_client.py SOCKET"""
import socket
import struct
import sys


CALL_START, MESSAGE, HALF_CLOSE, CALL_END, CANCEL, PING, PONG, GOAWAY = range(1, 9)
END_STREAM = 1


def frame(kind, call_id, payload=b"", flags=0):
    return struct.pack(">IBBI", len(payload), kind, flags, call_id) + payload


def read_frame(sock):
    header = b""
    while len(header) < 10:
        chunk = sock.recv(10 - len(header))
        if not chunk:
            return None
        header += chunk
    length, kind, flags, call_id = struct.unpack(">IBBI", header)
    payload = b""
    while len(payload) < length:
        chunk = sock.recv(length - len(payload))
        if not chunk:
            return None
        payload += chunk
    return kind, flags, call_id, payload


# ---- a protobuf encoder for the few messages the hand-made clients use (hostile.py,
# Scripts/bench) ----
def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def read_varint(payload, i):
    """The varint at payload[i:] and the index after it."""
    value, shift = 0, 0
    while True:
        b = payload[i]; i += 1
        value |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            return value, i


def fields(payload):
    """Decodes the top level of a message: {number: [values]} (varints as ints, others as bytes)."""
    out, i = {}, 0
    while i < len(payload):
        key, i = read_varint(payload, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(payload, i)
        elif wire == 2:
            length, i = read_varint(payload, i)
            value = payload[i:i + length]; i += length
        elif wire == 1:
            value = payload[i:i + 8]; i += 8
        else:
            value = payload[i:i + 4]; i += 4
        out.setdefault(number, []).append(value)
    return out


def call_start(method, token=None, timeout_ms=0):
    payload = field(1, method)
    if token:
        payload += field(2, field(1, "authorization") + field(2, "Bearer " + token))
    if timeout_ms:
        payload += field(3, timeout_ms)
    return payload


def connect(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    return sock


def main(path):
    # The README's example, as bytes.
    example = bytes.fromhex(
        "00000021 01 00 00000001"
        "0a1f2f6c65637465726e2e76312e4865616c7468536572766963652f436865636b"
        "00000000 02 01 00000001".replace(" ", "")
    )
    method = b"/lectern.v1.HealthService/Check"
    assert example == frame(1, 1, b"\x0a" + bytes([len(method)]) + method) + frame(2, 1, b"", flags=1)
    sock = connect(path)
    sock.sendall(example)
    assert read_frame(sock) == (2, 0, 1, b"\x08\x01"), "expected MESSAGE status=SERVING"
    assert read_frame(sock) == (4, 0, 1, b""), "expected CALL_END OK"

    # An unknown method ends only the call, with UNIMPLEMENTED (12), and the connection stays.
    bogus = b"/nope.v1.Nope/Nothing"
    sock.sendall(frame(1, 2, b"\x0a" + bytes([len(bogus)]) + bogus) + frame(2, 2, b"", flags=1))
    kind, _, call_id, payload = read_frame(sock)
    assert (kind, call_id) == (4, 2) and payload[:2] == b"\x08\x0c", f"expected CALL_END UNIMPLEMENTED, got {kind} {payload!r}"
    sock.sendall(frame(6, 0, b"\x09" + b"\x2a" + b"\x00" * 7))
    assert read_frame(sock) == (7, 0, 0, b"\x09" + b"\x2a" + b"\x00" * 7), "expected PONG echoing the PING"

    # An unknown frame kind: GOAWAY (8) with INVALID_ARGUMENT (3), then close.
    sock.sendall(frame(99, 3))
    kind, _, _, payload = read_frame(sock)
    assert kind == 8 and b"\x10\x03" in payload, f"expected GOAWAY INVALID_ARGUMENT, got {kind} {payload!r}"
    assert read_frame(sock) is None, "expected the server to close the connection"
    print("raw client: README example, UNIMPLEMENTED, PING/PONG and GOAWAY behave as Protos/README.md says")


if __name__ == "__main__":
    main(sys.argv[1])
