#!/usr/bin/env python3
"""Random calls against a live lecternd, each answer checked against a model of what the
server must hold. Several clients run at once, each on its own connection with its own
readers, so their writes meet in the writer's batches. Requests are encoded and responses
parsed by Google's protobuf runtime for Python, from classes protoc generates from Protos/.

What is checked, for every reader, at random moments and at the end:
- AppendEvents and ImportEvents: a new (client session, sequence) is stored once, a repeated one (also twice
  in one batch) is a duplicate carrying the stored id;
- GetMyState: the event count, last type, content and progress, completed milestones and
  unread messages;
- ListMyEvents and ListReaderEvents, paged with random sizes: every stored event once,
  newest first, and the same in both; filtered by types too;
- ListMyMessages (unread only), ListConversation, ListMyMilestones; MarkMessagesRead counts
  only the consultants' unread messages of the caller;
- the audit log holds one row per consultant call about the reader (each page read, each message);
- DeleteReader: the token stops working, and nothing of the reader is replayed;
- Logout: the token stops working at once, and a new login works; SuspendReader: the
  reader's calls and logins are refused and nothing it sends is stored until reinstated;
- a Watch started live before the clients receives every event and message once and each
  milestone upsert, in feed order (deleted readers' too: they were live then);
- Watch from cursor 0 replays every event, message and milestone of the live readers in
  feed order; resumed from any cursor it sends exactly the rest, with a filter too;
- with MODEL_CRASH (a command that kills lecternd with SIGKILL and starts it again on the same
  file), all of the above again after the crash: every acknowledged write of every kind is
  there, once, and the counters kept beside them (state, unread) still agree.

Usage: [MODEL_CRASH=COMMAND] model_check.py SOCKET GENERATED_DIR [CLIENTS [STEPS [SEED]]]
Exits 1 on the first run with a mismatch, printing each."""
import os
import random
import subprocess
import sys
import threading
import uuid

sys.path.insert(0, sys.argv[2])
from lectern.v1 import admin_pb2, auth_pb2, common_pb2, consultant_pb2, reader_pb2, rpc_pb2  # noqa: E402

from protobuf_client import CALL_END, CALL_START, END_STREAM, MESSAGE, Connection  # noqa: E402

R, C, A, AUTH = ("/lectern.v1.ReaderService/", "/lectern.v1.ConsultantService/",
                 "/lectern.v1.AdminService/", "/lectern.v1.AuthService/")
PASSWORD = "correct horse battery"
MESSAGE_TO_READER, MILESTONE_COMPLETED = 2, 2
PERMISSION_DENIED, UNAUTHENTICATED = 7, 16
TYPES = ["page_view", "progress", "answer"]
problems = []
problems_lock = threading.Lock()


def problem(what):
    with problems_lock:
        problems.append(what)
    print(f"MISMATCH: {what}", flush=True)


class Failed(Exception):
    pass


def call(conn, method, request, response_type, token=None):
    """The response of a call that must succeed."""
    response, end = conn.unary(method, request, response_type, token)
    if end.status_code != 0:
        raise Failed(f"{method}: status {end.status_code} {end.status_message}")
    return response


def paged(conn, method, request, response_type, field, token, rnd, reader=None):
    """Every item of a paged list, with a random page size per page. Each page a consultant
    reads of `reader` is a look the audit log must hold."""
    items = []
    while True:
        request.page_size = rnd.randint(1, 7)
        response = call(conn, method, request, response_type, token)
        if reader:
            reader.looks += 1
        items += list(getattr(response, field))
        if not response.next_page_token:
            return items
        request.page_token = response.next_page_token


class Reader:
    """What the server must hold for one reader."""

    def __init__(self, reader_id, token, email):
        self.id, self.token, self.email = reader_id, token, email
        self.events = {}  # (client session, sequence) -> event id
        self.types = {}  # event id -> type
        self.last_type, self.content, self.progress = "", "", None
        self.milestones = {}  # content id -> status
        self.upserts = {}  # content id -> upserts, each a live Watch update
        self.messages = {}  # id -> [direction, read]
        self.looks = 0  # consultant looks, each audited
        self.deleted = False

    def unread(self):
        return sorted((i for i, (d, read) in self.messages.items() if d == MESSAGE_TO_READER and not read), reverse=True)


class Client:
    def __init__(self, socket, name, seed, consultant_token):
        self.conn = Connection(socket)
        self.name, self.rnd, self.consultant = name, random.Random(seed), consultant_token
        self.readers = []

    def sign_up(self):
        email = f"{self.name}-{len(self.readers)}@example.org"
        signed = call(self.conn, AUTH + "SignUp", auth_pb2.SignUpRequest(email=email, password=PASSWORD, display_name=email),
                      auth_pb2.SignUpResponse)
        self.readers.append(Reader(signed.reader.id, signed.token, email))

    def login(self, reader, expect=0):
        response, end = self.conn.unary(AUTH + "Login", auth_pb2.LoginRequest(email=reader.email, password=PASSWORD, account_kind=1),
                                        auth_pb2.LoginResponse)
        if end.status_code != expect:
            problem(f"reader {reader.id}: Login gave {end.status_code} {end.status_message}, expected {expect}")
        return response.token if response else ""

    def refused(self, reader, status, what):
        """A state read with the reader's token must fail with `status`."""
        _, end = self.conn.unary(R + "GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse, reader.token)
        if end.status_code != status:
            problem(f"reader {reader.id}: GetMyState {what} gave {end.status_code} {end.status_message}, expected {status}")

    def log_in_again(self, reader):
        """Logout revokes the token at once; a new login gives another."""
        call(self.conn, AUTH + "Logout", auth_pb2.LogoutRequest(), auth_pb2.LogoutResponse, reader.token)
        self.refused(reader, UNAUTHENTICATED, "after Logout")
        reader.token = self.login(reader)

    def suspend(self, reader):
        """While suspended, nothing the reader sends is stored, and it cannot log in."""
        call(self.conn, A + "SuspendReader", admin_pb2.SuspendReaderRequest(reader_id=reader.id, suspended=True, reason="model"),
             admin_pb2.SuspendReaderResponse, self.consultant)
        self.refused(reader, PERMISSION_DENIED, "while suspended")
        event = common_pb2.EventInput(client_session_id="suspended", sequence=len(reader.events) + 1, type="page_view")
        _, end = self.conn.unary(R + "AppendEvents", reader_pb2.AppendEventsRequest(events=[event]), reader_pb2.AppendEventsResponse, reader.token)
        if end.status_code != PERMISSION_DENIED:
            problem(f"reader {reader.id}: AppendEvents while suspended gave {end.status_code} {end.status_message}")
        self.login(reader, expect=PERMISSION_DENIED)
        call(self.conn, A + "SuspendReader", admin_pb2.SuspendReaderRequest(reader_id=reader.id, suspended=False),
             admin_pb2.SuspendReaderResponse, self.consultant)

    def batch(self, most):
        """Random events, some of them (also within the batch) sharing a client session and sequence."""
        batch = []
        for _ in range(self.rnd.randint(1, most)):
            key = (self.rnd.choice(["tab", "phone", "laptop"]), self.rnd.randint(1, 30))
            event = common_pb2.EventInput(client_session_id=key[0], sequence=key[1], occurred_at_ms=1_795_000_000_000,
                                          type=self.rnd.choice(TYPES), content_id=self.rnd.choice(["", "book-1", "book-2"]))
            if self.rnd.random() < 0.5:
                event.progress = self.rnd.choice([0.0, 0.5, 1.0, round(self.rnd.random(), 3)])
            batch.append((key, event))
        return batch

    def append(self, reader, batch=None):
        batch = batch or self.batch(6)
        response = call(self.conn, R + "AppendEvents", reader_pb2.AppendEventsRequest(events=[e for _, e in batch]),
                        reader_pb2.AppendEventsResponse, reader.token)
        if len(response.results) != len(batch):
            return problem(f"AppendEvents: {len(response.results)} results for {len(batch)} events")
        for (key, event), result in zip(batch, response.results):
            if key in reader.events:
                if not result.duplicate or result.event_id != reader.events[key]:
                    problem(f"reader {reader.id}: {key} again gave {result}, not a duplicate of {reader.events[key]}")
                continue
            if result.duplicate:
                problem(f"reader {reader.id}: new {key} reported as a duplicate")
            reader.events[key] = result.event_id
            reader.types[result.event_id] = event.type
            reader.last_type = event.type
            reader.content = event.content_id or reader.content
            reader.progress = event.progress if event.HasField("progress") else reader.progress

    def import_events(self, reader):
        """ImportEvents of a few batches; then the same events again through AppendEvents, all
        duplicates now, which tells the ids the import gave."""
        batches = [self.batch(4) for _ in range(self.rnd.randint(1, 3))]
        call_id = self.conn.next_id
        self.conn.next_id += 1
        start = rpc_pb2.CallStart(method=R + "ImportEvents")
        start.metadata["authorization"] = "Bearer " + reader.token
        self.conn.send(CALL_START, call_id, start.SerializeToString())
        for n, batch in enumerate(batches):
            request = reader_pb2.AppendEventsRequest(events=[e for _, e in batch])
            self.conn.send(MESSAGE, call_id, request.SerializeToString(), END_STREAM if n == len(batches) - 1 else 0)
        responses, end = self.conn.finish(call_id, reader_pb2.ImportEventsResponse)
        if end.status_code != 0:
            raise Failed(f"ImportEvents: status {end.status_code} {end.status_message}")
        events = [pair for batch in batches for pair in batch]
        new = {}
        for key, event in events:
            if key not in reader.events and key not in new:
                new[key] = event
        got = (responses[0].batches, responses[0].stored, responses[0].duplicates)
        if got != (len(batches), len(new), len(events) - len(new)):
            problem(f"reader {reader.id}: ImportEvents counted {got}, expected {(len(batches), len(new), len(events) - len(new))}")
        again = call(self.conn, R + "AppendEvents", reader_pb2.AppendEventsRequest(events=[e for _, e in events]),
                     reader_pb2.AppendEventsResponse, reader.token)
        if not all(r.duplicate for r in again.results):
            return problem(f"reader {reader.id}: events just imported were stored again")
        for (key, event), result in zip(events, again.results):
            if key in new and key not in reader.events:
                reader.events[key] = result.event_id
                reader.types[result.event_id] = event.type
                reader.last_type = event.type
                reader.content = event.content_id or reader.content
                reader.progress = event.progress if event.HasField("progress") else reader.progress
            elif result.event_id != reader.events[key]:
                problem(f"reader {reader.id}: {key} is event {result.event_id}, was {reader.events[key]}")

    def milestone(self, reader):
        content, status = self.rnd.choice(["ch-1", "ch-2", "ch-3", "ch-4"]), self.rnd.choice([1, 2])
        response = call(self.conn, R + "UpsertMilestone", reader_pb2.UpsertMilestoneRequest(content_id=content, status=status, score=0.5),
                        reader_pb2.UpsertMilestoneResponse, reader.token)
        if response.created != (content not in reader.milestones):
            problem(f"reader {reader.id}: milestone {content} created={response.created}")
        reader.milestones[content] = status
        reader.upserts[content] = reader.upserts.get(content, 0) + 1

    def message_from_reader(self, reader):
        sent = call(self.conn, R + "SendMessage", reader_pb2.SendMessageRequest(body="a question"), reader_pb2.SendMessageResponse, reader.token)
        reader.messages[sent.message.id] = [1, False]

    def message_to_reader(self, reader):
        sent = call(self.conn, C + "SendMessage", consultant_pb2.SendMessageToReaderRequest(reader_id=reader.id, body="an answer"),
                    consultant_pb2.SendMessageToReaderResponse, self.consultant)
        reader.messages[sent.message.id] = [MESSAGE_TO_READER, False]
        reader.looks += 1  # audited like a look

    def mark_read(self, reader):
        ids = [i for i in reader.messages if self.rnd.random() < 0.4]
        others = [i for r in self.readers if r is not reader for i in r.messages][:3]  # ignored: not the caller's
        up_to = self.rnd.choice([0, 0, max(reader.messages, default=0)])
        response = call(self.conn, R + "MarkMessagesRead", reader_pb2.MarkMessagesReadRequest(message_ids=ids + others, up_to_message_id=up_to),
                        reader_pb2.MarkMessagesReadResponse, reader.token)
        marked = 0
        for i, entry in reader.messages.items():
            if (i in ids or i <= up_to) and entry[0] == MESSAGE_TO_READER and not entry[1]:
                entry[1] = True
                marked += 1
        if response.marked != marked:
            problem(f"reader {reader.id}: MarkMessagesRead marked {response.marked}, expected {marked}")

    def delete(self, reader):
        call(self.conn, A + "DeleteReader", admin_pb2.DeleteReaderRequest(reader_id=reader.id), admin_pb2.DeleteReaderResponse, self.consultant)
        reader.deleted = True
        _, end = self.conn.unary(R + "GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse, reader.token)
        if end.status_code == 0:
            problem(f"reader {reader.id}: its token works after DeleteReader")

    def verify(self, reader):
        state = call(self.conn, R + "GetMyState", reader_pb2.GetMyStateRequest(), reader_pb2.GetMyStateResponse, reader.token).state
        got = (state.event_count, state.last_event_type, state.current_content_id,
               state.progress if state.HasField("progress") else None, state.milestones_completed, state.unread_messages)
        want = (len(reader.events), reader.last_type, reader.content, reader.progress,
                sum(1 for s in reader.milestones.values() if s == MILESTONE_COMPLETED), len(reader.unread()))
        if got != want:
            problem(f"reader {reader.id}: GetMyState {got}, expected {want}")
        newest_first = sorted(reader.events.values(), reverse=True)
        mine = paged(self.conn, R + "ListMyEvents", reader_pb2.ListMyEventsRequest(), reader_pb2.ListMyEventsResponse, "events", reader.token, self.rnd)
        if [e.id for e in mine] != newest_first or any(e.reader_id != reader.id for e in mine):
            problem(f"reader {reader.id}: ListMyEvents {[e.id for e in mine]}, expected {newest_first}")
        seen = paged(self.conn, C + "ListReaderEvents", consultant_pb2.ListReaderEventsRequest(reader_id=reader.id),
                     consultant_pb2.ListReaderEventsResponse, "events", self.consultant, self.rnd, reader)
        if [e.id for e in seen] != newest_first:
            problem(f"reader {reader.id}: ListReaderEvents {[e.id for e in seen]}, expected {newest_first}")
        types = self.rnd.sample(TYPES, self.rnd.randint(1, 2))
        want = [i for i in newest_first if reader.types[i] in types]
        mine = paged(self.conn, R + "ListMyEvents", reader_pb2.ListMyEventsRequest(types=types), reader_pb2.ListMyEventsResponse,
                     "events", reader.token, self.rnd)
        seen = paged(self.conn, C + "ListReaderEvents", consultant_pb2.ListReaderEventsRequest(reader_id=reader.id, types=types),
                     consultant_pb2.ListReaderEventsResponse, "events", self.consultant, self.rnd, reader)
        if [e.id for e in mine] != want or [e.id for e in seen] != want:
            problem(f"reader {reader.id}: events of types {types}: {[e.id for e in mine]} and {[e.id for e in seen]}, expected {want}")
        unread = paged(self.conn, R + "ListMyMessages", reader_pb2.ListMyMessagesRequest(unread_only=True),
                       reader_pb2.ListMyMessagesResponse, "messages", reader.token, self.rnd)
        if [m.id for m in unread] != reader.unread():
            problem(f"reader {reader.id}: unread {[m.id for m in unread]}, expected {reader.unread()}")
        conversation = paged(self.conn, C + "ListConversation", consultant_pb2.ListConversationRequest(reader_id=reader.id),
                             consultant_pb2.ListConversationResponse, "messages", self.consultant, self.rnd, reader)
        if [m.id for m in conversation] != sorted(reader.messages, reverse=True):
            problem(f"reader {reader.id}: ListConversation {[m.id for m in conversation]}, expected {sorted(reader.messages, reverse=True)}")
        milestones = paged(self.conn, R + "ListMyMilestones", reader_pb2.ListMyMilestonesRequest(),
                           reader_pb2.ListMyMilestonesResponse, "milestones", reader.token, self.rnd)
        if {m.content_id: m.status for m in milestones} != reader.milestones or len(milestones) != len(reader.milestones):
            problem(f"reader {reader.id}: ListMyMilestones {[(m.content_id, m.status) for m in milestones]}, expected {reader.milestones}")
        audited, request = [], admin_pb2.ListAuditLogRequest(reader_id=reader.id, page_size=1000)
        while True:
            page = call(self.conn, A + "ListAuditLog", request, admin_pb2.ListAuditLogResponse, self.consultant)
            audited += page.entries
            if not page.next_page_token:
                break
            request.page_token = page.next_page_token
        looks = [e for e in audited if e.action.startswith("ConsultantService.")]
        if len(looks) != reader.looks:
            problem(f"reader {reader.id}: {len(looks)} audited looks, expected {reader.looks}")


    def run(self, steps):
        for _ in range(3):
            self.sign_up()
        for _ in range(steps):
            live = [r for r in self.readers if not r.deleted]
            reader, roll = self.rnd.choice(live), self.rnd.random()
            if roll < 0.30:
                self.append(reader)
            elif roll < 0.35:
                self.import_events(reader)
            elif roll < 0.45:
                self.milestone(reader)
            elif roll < 0.53:
                self.message_from_reader(reader)
            elif roll < 0.63:
                self.message_to_reader(reader)
            elif roll < 0.71:
                self.mark_read(reader)
            elif roll < 0.73 and len(live) > 2:
                self.delete(reader)
                self.sign_up()
            elif roll < 0.75:
                self.log_in_again(reader)
            elif roll < 0.77:
                self.suspend(reader)
            else:
                self.verify(reader)
        for reader in self.readers:
            if not reader.deleted:
                self.verify(reader)


def start_watch(socket, token, cursor, readers=(), kinds=()):
    conn = Connection(socket)
    return conn, conn.start(C + "Watch", consultant_pb2.WatchRequest(cursor=cursor, reader_ids=list(readers), kinds=list(kinds)), token)


def updates(conn, call_id, last):
    """(kind, id, reader id, cursor) of a Watch's events, messages and milestones, up to the
    first update `last` is true of, included; CaughtUp is ("caught_up", 0, 0, cursor)."""
    received = []
    while True:
        kind, _, frame_call, payload = conn.read_frame()
        if frame_call != call_id:
            continue
        if kind == CALL_END:
            end = rpc_pb2.CallEnd.FromString(payload)
            problem(f"a Watch ended early: {end.status_code} {end.status_message}")
            return received
        if kind != MESSAGE:
            continue
        update = consultant_pb2.ActivityUpdate.FromString(payload)
        which = update.WhichOneof("update")
        if which == "event":
            received.append(("event", update.event.id, update.event.reader_id, update.cursor))
        elif which == "message":
            received.append(("message", update.message.id, update.message.reader_id, update.cursor))
        elif which == "milestone":
            received.append(("milestone", update.milestone.content_id, update.milestone.reader_id, update.cursor))
        elif which == "caught_up":
            received.append(("caught_up", 0, 0, update.cursor))
        if received and last(received[-1]):
            return received


def watch(socket, token, cursor, readers=(), kinds=()):
    """What a Watch replays from `cursor`, up to CaughtUp."""
    conn, call_id = start_watch(socket, token, cursor, readers, kinds)
    replayed = updates(conn, call_id, lambda u: u[0] == "caught_up")
    conn.sock.close()
    return [u for u in replayed if u[0] != "caught_up"]


class LiveWatch:
    """A Watch started live before the clients begin, read on its own thread until the event
    of `sentinel` (a reader made once the clients are done) arrives."""

    def __init__(self, socket, token):
        self.conn, self.call_id = start_watch(socket, token, "")
        self.conn.sock.settimeout(120)
        self.sentinel = set()
        before = updates(self.conn, self.call_id, lambda u: u[0] == "caught_up")
        if [u[0] for u in before] != ["caught_up"]:
            problem(f"a live Watch sent {before} before CaughtUp")
        self.received = []
        self.thread = threading.Thread(target=self.listen)
        self.thread.start()

    def listen(self):
        try:
            self.received = updates(self.conn, self.call_id, lambda u: u[0] == "event" and u[2] in self.sentinel)
        except Exception as error:
            problem(f"the live Watch failed: {error!r}")

    def check(self, readers):
        """Every event and message of `readers` once, and each milestone upsert, in feed order."""
        self.thread.join()
        ours = {r.id for r in readers}
        cursors = [int(u[3]) for u in self.received]
        if cursors != sorted(set(cursors)):
            problem("the live Watch's cursors do not grow one update after another")
        got = [u for u in self.received if u[2] in ours]
        expected = {
            "event": sorted((i, r.id) for r in readers for i in r.events.values()),
            "message": sorted((i, r.id) for r in readers for i in r.messages),
            "milestone": sorted((c, r.id) for r in readers for c, n in r.upserts.items() for _ in range(n)),
        }
        for kind, want in expected.items():
            delivered = sorted((u[1], u[2]) for u in got if u[0] == kind)
            if delivered != want:
                problem(f"the live Watch delivered {len(delivered)} {kind}s of these readers, expected {len(want)}")
        self.conn.sock.close()
        return len(got)


def check_watch(socket, token, readers, rnd):
    ours = {r.id for r in readers}
    replay = [u for u in watch(socket, token, "0") if u[2] in ours]
    live = [r for r in readers if not r.deleted]
    expected = {
        "event": sorted((i, r.id) for r in live for i in r.events.values()),
        "message": sorted((i, r.id) for r in live for i in r.messages),
        "milestone": sorted((c, r.id) for r in live for c in r.milestones),
    }
    for kind, want in expected.items():
        got = sorted((u[1], u[2]) for u in replay if u[0] == kind)
        if got != want:
            problem(f"Watch from 0 replayed {len(got)} {kind}s of these readers, expected {len(want)}")
    for _ in range(6 if replay else 0):
        at = rnd.randrange(len(replay))
        rest = [u[:3] for u in watch(socket, token, replay[at][3]) if u[2] in ours]
        if rest != [u[:3] for u in replay[at + 1:]]:
            problem(f"Watch resumed from {replay[at][3]!r} sent {len(rest)} updates, expected the {len(replay) - at - 1} after it")
        reader = rnd.choice(live)
        events = [u[:3] for u in watch(socket, token, replay[at][3], readers=[reader.id], kinds=[1])]
        want = [u[:3] for u in replay[at + 1:] if u[0] == "event" and u[2] == reader.id]
        if events != want:
            problem(f"Watch of reader {reader.id}'s events from {replay[at][3]!r} sent {len(events)}, expected {len(want)}")
    return len(replay)


def main():
    socket = sys.argv[1]
    clients, steps = int(sys.argv[3]) if len(sys.argv) > 3 else 4, int(sys.argv[4]) if len(sys.argv) > 4 else 400
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else random.randrange(1 << 30)
    run = uuid.uuid4().hex[:8]
    admin = Connection(socket)
    # The socket's owner creates the admin consultant the clients act as.
    call(admin, A + "CreateConsultant", admin_pb2.CreateConsultantRequest(
        email=f"model-{run}@example.org", display_name="Model", password=PASSWORD, role=3), admin_pb2.CreateConsultantResponse)
    token = call(admin, AUTH + "Login", auth_pb2.LoginRequest(email=f"model-{run}@example.org", password=PASSWORD, account_kind=2),
                 auth_pb2.LoginResponse).token
    runners = [Client(socket, f"model-{run}-{n}", seed + n, token) for n in range(clients)]
    errors = []
    live = LiveWatch(socket, token)

    def drive(client):
        try:
            client.run(steps)
        except Exception as error:  # a call that failed, or the connection
            errors.append(f"{client.name}: {error!r}")

    threads = [threading.Thread(target=drive, args=(c,)) for c in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        problem(error)
    readers = [r for c in runners for r in c.readers]
    # The last event: once the live Watch has it, it has everything committed before.
    closing = Client(socket, f"model-{run}-last", seed, token)
    closing.sign_up()
    live.sentinel.add(closing.readers[0].id)
    closing.append(closing.readers[0])
    delivered = live.check(readers)
    replayed = check_watch(socket, token, readers, random.Random(seed))
    crash = os.environ.get("MODEL_CRASH")
    if crash:
        # Every acknowledged write, of every kind, outlives a SIGKILL of the server.
        subprocess.run(crash, shell=True, check=True)
        for client in runners:
            client.conn = Connection(socket)
            for reader in client.readers:
                if not reader.deleted:
                    client.verify(reader)
        check_watch(socket, token, readers, random.Random(seed + 1))
    events = sum(len(r.events) for r in readers if not r.deleted)
    print(f"model check (seed {seed}): {clients} clients x {steps} steps, {len(readers)} readers, {events} events, "
          f"{delivered} delivered live, {replayed} replayed{', all again after a SIGKILL' if crash else ''}, {len(problems)} mismatches")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
