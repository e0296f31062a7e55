#!/usr/bin/env python3
"""A client written from Protos/README.md with Google's protobuf runtime for Python (Debian's
python3-protobuf) and classes protoc generates from Protos/: every request is encoded, and
every response parsed, by a protobuf implementation that is not ours.

Usage: protobuf_client.py SOCKET GENERATED_DIR   (GENERATED_DIR: protoc --python_out of Protos/)"""
import os
import socket
import struct
import sys
import time
import uuid

sys.path.insert(0, sys.argv[2])
from lectern.v1 import admin_pb2, auth_pb2, common_pb2, consultant_pb2, health_pb2, reader_pb2, rpc_pb2  # noqa: E402

CALL_START, MESSAGE, HALF_CLOSE, CALL_END, CANCEL, PING, PONG, GOAWAY = range(1, 9)
END_STREAM = 1
OK, CANCELLED, INVALID_ARGUMENT, DEADLINE_EXCEEDED, PERMISSION_DENIED, RESOURCE_EXHAUSTED, UNAUTHENTICATED = 0, 1, 3, 4, 7, 8, 16
passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {what}")


class Connection:
    """One socket; calls are numbered 1, 2, 3, … as the README asks."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.next_id = 1

    def send(self, kind, call_id, payload=b"", flags=0):
        self.sock.sendall(struct.pack(">IBBI", len(payload), kind, flags, call_id) + payload)

    def read_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise EOFError("the server closed the connection")
            data += chunk
        return data

    def read_frame(self):
        length, kind, flags, call_id = struct.unpack(">IBBI", self.read_exact(10))
        return kind, flags, call_id, self.read_exact(length)

    def start(self, method, request, token=None, timeout_ms=0, raw_suffix=b""):
        """CALL_START and the request with END_STREAM, in one write; returns the call id."""
        call_id, self.next_id = self.next_id, self.next_id + 1
        start = rpc_pb2.CallStart(method=method, timeout_ms=timeout_ms)
        if token:
            start.metadata["authorization"] = "Bearer " + token
        start.metadata["x-request-id"] = f"py-{call_id}"
        body = start.SerializeToString()
        message = request.SerializeToString() + raw_suffix
        self.sock.sendall(
            struct.pack(">IBBI", len(body), CALL_START, 0, call_id) + body
            + struct.pack(">IBBI", len(message), MESSAGE, END_STREAM, call_id) + message
        )
        return call_id

    def finish(self, call_id, response_type):
        """The call's responses, parsed, and its CallEnd."""
        responses = []
        while True:
            kind, _, frame_call, payload = self.read_frame()
            if frame_call != call_id:
                continue
            if kind == MESSAGE:
                responses.append(response_type.FromString(payload))
            elif kind == CALL_END:
                return responses, rpc_pb2.CallEnd.FromString(payload)

    def unary(self, method, request, response_type, token=None, raw_suffix=b""):
        responses, end = self.finish(self.start(method, request, token, raw_suffix=raw_suffix), response_type)
        return (responses[0] if responses else None), end


def main(path):
    conn = Connection(path)

    # HealthService.Check: the README's own example call.
    health, end = conn.unary("/lectern.v1.HealthService/Check", health_pb2.HealthCheckRequest(), health_pb2.HealthCheckResponse)
    check(end.status_code == OK and health.status == health_pb2.SERVING_STATUS_SERVING, "Health.Check answers SERVING")

    # SignUp, then WhoAmI with the token.
    email = f"py-{uuid.uuid4().hex[:8]}@example.org"
    signed, end = conn.unary("/lectern.v1.AuthService/SignUp",
                             auth_pb2.SignUpRequest(email=email, password="correct horse battery", display_name="Grace Ünicode"),
                             auth_pb2.SignUpResponse)
    check(end.status_code == OK and signed.token, f"SignUp gives a token (status {end.status_code} {end.status_message})")
    token = signed.token
    me, end = conn.unary("/lectern.v1.AuthService/WhoAmI", auth_pb2.WhoAmIRequest(), auth_pb2.WhoAmIResponse, token)
    check(end.status_code == OK and me.expires_at_ms == signed.expires_at_ms, "WhoAmI knows the token")

    # AppendEvents: an optional double, bytes, and a field this server does not know (number
    # 99, varint), which it must skip.
    session = uuid.uuid4().hex
    events = [
        common_pb2.EventInput(client_session_id=session, sequence=1, type="page_view", occurred_at_ms=1_795_000_000_000,
                              content_id="livre-été/ch-1", payload=b'{"page":1}'),
        common_pb2.EventInput(client_session_id=session, sequence=2, type="progress", occurred_at_ms=1_795_000_000_500,
                              content_id="livre-été/ch-1", progress=0.0, payload=bytes(range(256))),
        common_pb2.EventInput(client_session_id=session, sequence=3, type="answer", occurred_at_ms=1_795_000_001_000,
                              content_id="livre-été/ch-2", progress=0.25),
    ]
    unknown = bytes([0x98, 0x06, 0x01])  # field 99, varint 1: the tag 99 << 3 as a varint, then the value
    appended, end = conn.unary("/lectern.v1.ReaderService/AppendEvents", reader_pb2.AppendEventsRequest(events=events),
                               reader_pb2.AppendEventsResponse, token, raw_suffix=unknown)
    check(end.status_code == OK and [r.duplicate for r in appended.results] == [False] * 3, "AppendEvents stores three events")
    ids = [r.event_id for r in appended.results]
    check(ids == sorted(ids) and len(set(ids)) == 3, "event ids grow")
    again, end = conn.unary("/lectern.v1.ReaderService/AppendEvents", reader_pb2.AppendEventsRequest(events=events[1:2]),
                            reader_pb2.AppendEventsResponse, token)
    check(end.status_code == OK and again.results[0].duplicate and again.results[0].event_id == ids[1], "a retried event is a duplicate")

    state, end = conn.unary("/lectern.v1.ReaderService/GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse, token)
    check(end.status_code == OK and state.state.event_count == 3, "GetMyState counts three events")
    check(state.state.current_content_id == "livre-été/ch-2" and state.state.HasField("progress") and state.state.progress == 0.25,
          "GetMyState has the content and progress of the last event")

    # ListMyEvents in pages of two, newest first; an explicit progress of 0 stays present.
    page, end = conn.unary("/lectern.v1.ReaderService/ListMyEvents", reader_pb2.ListMyEventsRequest(page_size=2),
                           reader_pb2.ListMyEventsResponse, token)
    check(end.status_code == OK and [e.id for e in page.events] == ids[:0:-1] and page.next_page_token, "first page: two newest, a token")
    check(page.events[1].HasField("progress") and page.events[1].progress == 0.0, "progress 0.0 is kept as present")
    check(page.events[1].payload == bytes(range(256)), "bytes come back unchanged")
    rest, end = conn.unary("/lectern.v1.ReaderService/ListMyEvents",
                           reader_pb2.ListMyEventsRequest(page_size=2, page_token=page.next_page_token), reader_pb2.ListMyEventsResponse, token)
    check(end.status_code == OK and [e.id for e in rest.events] == ids[:1] and not rest.next_page_token, "last page: the oldest, no token")
    check(rest.events[0].content_id == "livre-été/ch-1" and not rest.events[0].HasField("progress"), "no progress stays absent")

    # A bad field: INVALID_ARGUMENT naming it, in the message and in details.
    bad = common_pb2.EventInput(client_session_id=session, sequence=9, type="Not A Type!", occurred_at_ms=1)
    _, end = conn.unary("/lectern.v1.ReaderService/AppendEvents", reader_pb2.AppendEventsRequest(events=[bad]),
                        reader_pb2.AppendEventsResponse, token)
    fields = [v.field for v in end.details.field_violations]
    check(end.status_code == INVALID_ARGUMENT and any("type" in f for f in fields) and "type" in end.status_message,
          f"a bad type is INVALID_ARGUMENT naming the field (got {end.status_code} {end.status_message!r} {fields})")
    _, end = conn.unary("/lectern.v1.ReaderService/GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse, "not-a-token")
    check(end.status_code == UNAUTHENTICATED, f"a bad token is UNAUTHENTICATED (got {end.status_code})")
    # No authorization from the server's own uid is the socket's owner: AdminService only.
    _, end = conn.unary("/lectern.v1.ReaderService/GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse)
    check(end.status_code == PERMISSION_DENIED, f"the socket's owner may not call ReaderService (got {end.status_code})")

    # The socket's owner creates a consultant (no authorization), who logs in and reads.
    consultant_email = f"py-c-{uuid.uuid4().hex[:8]}@example.org"
    _, end = conn.unary("/lectern.v1.AdminService/CreateConsultant",
                        admin_pb2.CreateConsultantRequest(email=consultant_email, password="another long password",
                                                          display_name="Consultant", role=common_pb2.CONSULTANT_ROLE_VIEWER),
                        admin_pb2.CreateConsultantResponse)
    check(end.status_code == OK, f"CreateConsultant as the socket's owner ({end.status_code} {end.status_message})")
    login, end = conn.unary("/lectern.v1.AuthService/Login",
                            auth_pb2.LoginRequest(email=consultant_email, password="another long password",
                                                  account_kind=common_pb2.ACCOUNT_KIND_CONSULTANT),
                            auth_pb2.LoginResponse)
    check(end.status_code == OK and login.account_kind == common_pb2.ACCOUNT_KIND_CONSULTANT, "a consultant logs in")
    events_seen, end = conn.unary("/lectern.v1.ConsultantService/ListReaderEvents",
                                  consultant_pb2.ListReaderEventsRequest(reader_id=state.state.reader_id, page_size=10),
                                  consultant_pb2.ListReaderEventsResponse, login.token)
    check(end.status_code == OK and [e.id for e in events_seen.events] == ids[::-1], "ListReaderEvents shows the reader's events")

    # Watch: CaughtUp first, then a new event live; then CANCEL ends the stream.
    watcher = Connection(path)
    watch = watcher.start("/lectern.v1.ConsultantService/Watch", consultant_pb2.WatchRequest(reader_ids=[state.state.reader_id]), login.token)
    kind, _, _, payload = watcher.read_frame()
    first = consultant_pb2.ActivityUpdate.FromString(payload)
    check(kind == MESSAGE and first.WhichOneof("update") == "caught_up", "Watch with no cursor starts with CaughtUp")
    live = common_pb2.EventInput(client_session_id=session, sequence=4, type="page_view", occurred_at_ms=1_795_000_002_000)
    added, _ = conn.unary("/lectern.v1.ReaderService/AppendEvents", reader_pb2.AppendEventsRequest(events=[live]),
                          reader_pb2.AppendEventsResponse, token)
    kind, _, _, payload = watcher.read_frame()
    update = consultant_pb2.ActivityUpdate.FromString(payload)
    check(update.WhichOneof("update") == "event" and update.event.id == added.results[0].event_id and update.cursor.isdigit(),
          "the new event arrives on Watch with a cursor")
    watcher.send(CANCEL, watch, rpc_pb2.Cancel(reason="done").SerializeToString())
    _, end = watcher.finish(watch, consultant_pb2.ActivityUpdate)
    check(end.status_code == CANCELLED, f"CANCEL ends Watch with CANCELLED (got {end.status_code})")

    # Resuming from the first cursor replays the event, then CaughtUp.
    replay = watcher.start("/lectern.v1.ConsultantService/Watch",
                           consultant_pb2.WatchRequest(cursor=first.cursor, reader_ids=[state.state.reader_id]), login.token)
    kinds = []
    for _ in range(2):
        _, _, _, payload = watcher.read_frame()
        kinds.append(consultant_pb2.ActivityUpdate.FromString(payload).WhichOneof("update"))
    check(kinds == ["event", "caught_up"], f"a cursor replays what followed it, then CaughtUp (got {kinds})")
    watcher.send(CANCEL, replay, rpc_pb2.Cancel().SerializeToString())
    watcher.finish(replay, consultant_pb2.ActivityUpdate)

    # A deadline: a Watch with timeout_ms 200 ends DEADLINE_EXCEEDED on time.
    began = time.monotonic()
    timed = watcher.start("/lectern.v1.ConsultantService/Watch", consultant_pb2.WatchRequest(), login.token, timeout_ms=200)
    _, end = watcher.finish(timed, consultant_pb2.ActivityUpdate)
    waited = time.monotonic() - began
    check(end.status_code == DEADLINE_EXCEEDED and 0.15 <= waited < 5, f"timeout_ms ends the call with DEADLINE_EXCEEDED ({end.status_code}, {waited:.2f} s)")

    # ImportEvents, client streaming: 100 messages of 100 events, sent as fast as the socket
    # takes them, then END_STREAM. The server slows the sender down; it stores them all.
    importing = conn.next_id
    conn.next_id += 1
    start = rpc_pb2.CallStart(method="/lectern.v1.ReaderService/ImportEvents")
    start.metadata["authorization"] = "Bearer " + token
    conn.send(CALL_START, importing, start.SerializeToString())
    bulk = uuid.uuid4().hex
    for batch in range(100):
        request = reader_pb2.AppendEventsRequest(events=[
            common_pb2.EventInput(client_session_id=bulk, sequence=batch * 100 + n + 1, type="page_view", occurred_at_ms=1_795_000_003_000)
            for n in range(100)
        ])
        conn.send(MESSAGE, importing, request.SerializeToString(), END_STREAM if batch == 99 else 0)
    imported, end = conn.finish(importing, reader_pb2.ImportEventsResponse)
    check(end.status_code == OK and imported and imported[0].stored == 10_000 and imported[0].batches == 100,
          f"ImportEvents stores 10,000 events sent in 100 messages (got {end.status_code} {end.status_message!r})")

    # A CALL_START over 16 KiB (metadata) ends that call with RESOURCE_EXHAUSTED; the connection stays.
    big = rpc_pb2.CallStart(method="/lectern.v1.HealthService/Check")
    big.metadata["x-padding"] = "p" * 20_000
    refused = conn.next_id
    conn.next_id += 1
    conn.send(CALL_START, refused, big.SerializeToString())
    _, end = conn.finish(refused, health_pb2.HealthCheckResponse)
    check(end.status_code == RESOURCE_EXHAUSTED and "16384" in end.status_message,
          f"a 20 KB CALL_START is RESOURCE_EXHAUSTED naming the limit (got {end.status_code} {end.status_message!r})")
    health, end = conn.unary("/lectern.v1.HealthService/Check", health_pb2.HealthCheckRequest(), health_pb2.HealthCheckResponse)
    check(end.status_code == OK, "the connection still serves after it")

    # PING is answered by PONG with the same payload.
    ping = rpc_pb2.Ping(opaque_data=0x0123456789ABCDEF).SerializeToString()
    conn.send(PING, 0, ping)
    kind, _, call_id, payload = conn.read_frame()
    check((kind, call_id) == (PONG, 0) and rpc_pb2.Ping.FromString(payload).opaque_data == 0x0123456789ABCDEF, "PING gets its PONG")

    # A protocol error (a CALL_START with call id 0): GOAWAY INVALID_ARGUMENT, then close.
    conn.send(CALL_START, 0, rpc_pb2.CallStart(method="/lectern.v1.HealthService/Check").SerializeToString())
    kind, _, _, payload = conn.read_frame()
    goaway = rpc_pb2.GoAway.FromString(payload) if kind == GOAWAY else None
    check(goaway is not None and goaway.status_code == INVALID_ARGUMENT and goaway.message, "call id 0 gets GOAWAY INVALID_ARGUMENT")
    try:
        closed = conn.sock.recv(1) == b""
    except OSError:
        closed = True
    check(closed, "the server closes the connection after the GOAWAY")

    print(f"protobuf client (python protobuf {__import__('google.protobuf').protobuf.__version__}): {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
