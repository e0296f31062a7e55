/*
 * interop: the C client (protobuf-c) against a real lecternd, started by Scripts/c-interop on
 * a fresh database. Every call kind (unary, server stream, client stream, cancel, deadline),
 * every field kind both ways, unknown fields both ways, and error statuses decoded here.
 * Run as the socket's owner (the same user as lecternd), which it uses to create a consultant.
 *
 *   interop SOCKET
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lectern.h"
#include "lectern/v1/admin.pb-c.h"
#include "lectern/v1/auth.pb-c.h"
#include "lectern/v1/consultant.pb-c.h"
#include "lectern/v1/health.pb-c.h"
#include "lectern/v1/reader.pb-c.h"
#include "newer.pb-c.h"

static int passed, failed;

#define CHECK(condition, ...)                                      \
    do {                                                           \
        if (condition) {                                           \
            passed++;                                              \
        } else {                                                   \
            failed++;                                              \
            fprintf(stderr, "FAILED %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                          \
            fprintf(stderr, "\n");                                 \
        }                                                          \
    } while (0)

static lectern_conn *conn;
static char reader_token[128], consultant_token[128];
static int64_t reader_id;

static ProtobufCMessage *unary(const char *method, const lectern_call_options *options, const ProtobufCMessage *request,
                               const ProtobufCMessageDescriptor *type, lectern_status *status) {
    ProtobufCMessage *response = NULL;
    lectern_unary(conn, method, options, request, type, &response, status);
    return response;
}

static void health(void) {
    lectern_status status;
    Lectern__V1__HealthCheckRequest request = LECTERN__V1__HEALTH_CHECK_REQUEST__INIT;
    request.service = "";
    Lectern__V1__HealthCheckResponse *response = (Lectern__V1__HealthCheckResponse *)unary(
        "/lectern.v1.HealthService/Check", NULL, &request.base, &lectern__v1__health_check_response__descriptor, &status);
    CHECK(response && response->status == LECTERN__V1__SERVING_STATUS__SERVING_STATUS_SERVING, "Health.Check: %s", status.message);
    if (response) protobuf_c_message_free_unpacked(&response->base, NULL);

    /* A server stream that the server keeps open: read the first status, then cancel. */
    lectern_call *watch = lectern_server_stream(conn, "/lectern.v1.HealthService/Watch", NULL, &request.base, &status);
    ProtobufCMessage *first = NULL;
    CHECK(watch && lectern_call_next(watch, &lectern__v1__health_check_response__descriptor, &first, &status) == 1,
          "Health.Watch first status: %s", status.message);
    CHECK(first && ((Lectern__V1__HealthCheckResponse *)first)->status == LECTERN__V1__SERVING_STATUS__SERVING_STATUS_SERVING,
          "Health.Watch says SERVING");
    if (first) protobuf_c_message_free_unpacked(first, NULL);
    lectern_call_free(watch);
}

static void sign_up(void) {
    lectern_status status;
    /* Non-ASCII both ways: the name comes back as sent; the email comes back lower-cased. */
    const char *name = "Zoë Łukasiewicz 读者 🙂";
    Lectern__V1__SignUpRequest request = LECTERN__V1__SIGN_UP_REQUEST__INIT;
    request.email = "Zoe@Example.org";
    request.password = "correct horse battery";
    request.display_name = (char *)name;
    Lectern__V1__SignUpResponse *response = (Lectern__V1__SignUpResponse *)unary(
        "/lectern.v1.AuthService/SignUp", NULL, &request.base, &lectern__v1__sign_up_response__descriptor, &status);
    CHECK(response != NULL, "SignUp: %s %s", lectern_code_name(status.code), status.message);
    if (!response) exit(1);
    CHECK(strcmp(response->reader->display_name, name) == 0, "non-ASCII name round trip: %s", response->reader->display_name);
    CHECK(strcmp(response->reader->email, "zoe@example.org") == 0, "email: %s", response->reader->email);
    CHECK(strlen(response->token) == 43, "a 43-character token");
    snprintf(reader_token, sizeof reader_token, "%s", response->token);
    reader_id = response->reader->id;
    protobuf_c_message_free_unpacked(&response->base, NULL);

    /* Error statuses decoded on this side. */
    CHECK(unary("/lectern.v1.AuthService/SignUp", NULL, &request.base, &lectern__v1__sign_up_response__descriptor, &status) == NULL
              && status.code == LECTERN_ALREADY_EXISTS, "a second sign-up is ALREADY_EXISTS, got %s", lectern_code_name(status.code));
    request.email = "no-at-sign";
    request.password = "short";
    CHECK(unary("/lectern.v1.AuthService/SignUp", NULL, &request.base, &lectern__v1__sign_up_response__descriptor, &status) == NULL
              && status.code == LECTERN_INVALID_ARGUMENT && status.field_violations == 2
              && strcmp(status.first_violation_field, "email") == 0 && strstr(status.message, "email") != NULL,
          "bad fields are INVALID_ARGUMENT with field violations: %s (%zu, %s)", status.message, status.field_violations,
          status.first_violation_field);
    lectern_call_options bad = { .token = "not-a-token" };
    Lectern__V1__WhoAmIRequest who = LECTERN__V1__WHO_AM_IREQUEST__INIT;
    CHECK(unary("/lectern.v1.AuthService/WhoAmI", &bad, &who.base, &lectern__v1__who_am_iresponse__descriptor, &status) == NULL
              && status.code == LECTERN_UNAUTHENTICATED, "a made-up token is UNAUTHENTICATED, got %s", lectern_code_name(status.code));
    Lectern__V1__LoginRequest login = LECTERN__V1__LOGIN_REQUEST__INIT;
    login.email = "zoe@example.org";
    login.password = "wrong password";
    CHECK(unary("/lectern.v1.AuthService/Login", NULL, &login.base, &lectern__v1__login_response__descriptor, &status) == NULL
              && status.code == LECTERN_UNAUTHENTICATED, "a wrong password is UNAUTHENTICATED");
    CHECK(unary("/lectern.v1.NoSuchService/Nothing", NULL, &login.base, &lectern__v1__login_response__descriptor, &status) == NULL
              && status.code == LECTERN_UNIMPLEMENTED, "an unknown method is UNIMPLEMENTED");
}

/* 1,000 events: large repeated fields, bytes 0-255, negative times, empty strings, an
 * optional double set on some and not others. */
static void append_events(void) {
    enum { COUNT = 1000 };
    lectern_status status;
    lectern_call_options options = { .token = reader_token, .timeout_ms = 10000 };
    static Lectern__V1__EventInput inputs[COUNT];
    static Lectern__V1__EventInput *events[COUNT];
    static uint8_t payload[256];
    for (int i = 0; i < 256; i++) payload[i] = (uint8_t)i;
    for (int i = 0; i < COUNT; i++) {
        lectern__v1__event_input__init(&inputs[i]);
        inputs[i].client_session_id = "c-interop";
        inputs[i].sequence = (uint64_t)i + 1;
        inputs[i].type = i % 2 ? "page_view" : "answer";
        inputs[i].content_id = i % 3 ? "book-1" : "";
        inputs[i].occurred_at_ms = -1000 - i; /* before 1970: a negative int64 */
        if (i % 4 == 0) {
            inputs[i]._progress_case = LECTERN__V1__EVENT_INPUT___PROGRESS_PROGRESS;
            inputs[i].progress = 0.0; /* set, and zero: presence must survive */
        }
        inputs[i].payload.data = payload;
        inputs[i].payload.len = (size_t)(i % 257);
        events[i] = &inputs[i];
    }
    Lectern__V1__AppendEventsRequest request = LECTERN__V1__APPEND_EVENTS_REQUEST__INIT;
    request.n_events = COUNT;
    request.events = events;
    Lectern__V1__AppendEventsResponse *response = (Lectern__V1__AppendEventsResponse *)unary(
        "/lectern.v1.ReaderService/AppendEvents", &options, &request.base, &lectern__v1__append_events_response__descriptor, &status);
    CHECK(response && response->n_results == COUNT, "AppendEvents of 1,000: %s", status.message);
    if (!response) return;
    int increasing = 1, fresh = 1;
    for (size_t i = 0; i < response->n_results; i++) {
        if (i > 0 && response->results[i]->event_id <= response->results[i - 1]->event_id) increasing = 0;
        if (response->results[i]->duplicate) fresh = 0;
    }
    CHECK(increasing && fresh, "1,000 new events with increasing ids");
    protobuf_c_message_free_unpacked(&response->base, NULL);

    response = (Lectern__V1__AppendEventsResponse *)unary(
        "/lectern.v1.ReaderService/AppendEvents", &options, &request.base, &lectern__v1__append_events_response__descriptor, &status);
    int all_duplicates = response && response->n_results == COUNT;
    for (size_t i = 0; all_duplicates && i < response->n_results; i++) all_duplicates = response->results[i]->duplicate;
    CHECK(all_duplicates, "the retried batch is acknowledged as 1,000 duplicates");
    if (response) protobuf_c_message_free_unpacked(&response->base, NULL);

    /* Read the oldest ones back: negative times, bytes, empty strings, optional presence. */
    Lectern__V1__ListMyEventsRequest list = LECTERN__V1__LIST_MY_EVENTS_REQUEST__INIT;
    list.page_size = 1000;
    list.since_ms = -5; /* a negative int64 in a request */
    Lectern__V1__ListMyEventsResponse *page = (Lectern__V1__ListMyEventsResponse *)unary(
        "/lectern.v1.ReaderService/ListMyEvents", &options, &list.base, &lectern__v1__list_my_events_response__descriptor, &status);
    CHECK(page && page->n_events == COUNT, "ListMyEvents returns the 1,000 events: %s", status.message);
    if (!page) return;
    int matches = 1;
    for (size_t i = 0; i < page->n_events; i++) {
        Lectern__V1__Event *event = page->events[i]; /* newest first */
        int n = (int)(event->sequence - 1);
        if (n < 0 || n >= COUNT || event->occurred_at_ms != -1000 - n || event->payload.len != (size_t)(n % 257)
            || (event->payload.len && memcmp(event->payload.data, payload, event->payload.len) != 0)
            || strcmp(event->content_id, n % 3 ? "book-1" : "") != 0
            || (event->_progress_case == LECTERN__V1__EVENT___PROGRESS_PROGRESS) != (n % 4 == 0)
            || event->reader_id != reader_id) {
            matches = 0;
            fprintf(stderr, "event %d differs\n", n);
            break;
        }
    }
    CHECK(matches, "every event reads back as sent (negative times, bytes, empty strings, optional presence)");
    protobuf_c_message_free_unpacked(&page->base, NULL);
}

/* A map both ways, a negative float, nested messages. */
static void milestones(void) {
    lectern_status status;
    lectern_call_options options = { .token = reader_token };
    Lectern__V1__UpsertMilestoneRequest__AttributesEntry entries[3] = {
        LECTERN__V1__UPSERT_MILESTONE_REQUEST__ATTRIBUTES_ENTRY__INIT, LECTERN__V1__UPSERT_MILESTONE_REQUEST__ATTRIBUTES_ENTRY__INIT,
        LECTERN__V1__UPSERT_MILESTONE_REQUEST__ATTRIBUTES_ENTRY__INIT,
    };
    entries[0].key = "ключ";
    entries[0].value = "значение";
    entries[1].key = "empty";
    entries[1].value = "";
    entries[2].key = "chapter";
    entries[2].value = "2";
    Lectern__V1__UpsertMilestoneRequest__AttributesEntry *attributes[3] = { &entries[0], &entries[1], &entries[2] };
    Lectern__V1__UpsertMilestoneRequest request = LECTERN__V1__UPSERT_MILESTONE_REQUEST__INIT;
    request.content_id = "book-1";
    request.status = LECTERN__V1__MILESTONE_STATUS__MILESTONE_STATUS_STARTED;
    request.score = -12.5f;
    request.n_attributes = 3;
    request.attributes = attributes;
    Lectern__V1__UpsertMilestoneResponse *response = (Lectern__V1__UpsertMilestoneResponse *)unary(
        "/lectern.v1.ReaderService/UpsertMilestone", &options, &request.base, &lectern__v1__upsert_milestone_response__descriptor, &status);
    CHECK(response && response->created && response->milestone, "UpsertMilestone: %s", status.message);
    if (!response) return;
    Lectern__V1__Milestone *milestone = response->milestone;
    CHECK(milestone->score == -12.5f && milestone->reader_id == reader_id, "a negative float comes back: %f", (double)milestone->score);
    int found = 0;
    for (size_t i = 0; i < milestone->n_attributes; i++) {
        const char *key = milestone->attributes[i]->key, *value = milestone->attributes[i]->value;
        if ((strcmp(key, "ключ") == 0 && strcmp(value, "значение") == 0) || (strcmp(key, "empty") == 0 && strcmp(value, "") == 0)
            || (strcmp(key, "chapter") == 0 && strcmp(value, "2") == 0)) found++;
    }
    CHECK(milestone->n_attributes == 3 && found == 3, "the map comes back whole (%zu entries, %d matched)", milestone->n_attributes, found);
    protobuf_c_message_free_unpacked(&response->base, NULL);
}

/* Unknown fields both ways: a newer client's request, and an older client's view of a response. */
static void unknown_fields(void) {
    lectern_status status;
    lectern_call_options options = { .token = reader_token };
    int64_t numbers[3] = { -1, 0, 1LL << 40 };
    Interop__NewerHeartbeatRequest__FutureLabelsEntry label = INTEROP__NEWER_HEARTBEAT_REQUEST__FUTURE_LABELS_ENTRY__INIT;
    label.key = "k";
    label.value = "v";
    Interop__NewerHeartbeatRequest__FutureLabelsEntry *labels[1] = { &label };
    Interop__NewerHeartbeatRequest newer = INTEROP__NEWER_HEARTBEAT_REQUEST__INIT;
    newer.client_session_id = "tab-1";
    newer.content_id = "book-1";
    newer.future_note = "from a later version";
    newer.n_future_numbers = 3;
    newer.future_numbers = numbers;
    newer.n_future_labels = 1;
    newer.future_labels = labels;
    ProtobufCMessage *response = unary("/lectern.v1.ReaderService/Heartbeat", &options, &newer.base,
                                       &lectern__v1__heartbeat_response__descriptor, &status);
    CHECK(response != NULL, "a request with fields the server does not know is served: %s", status.message);
    if (response) protobuf_c_message_free_unpacked(response, NULL);

    Lectern__V1__WhoAmIRequest who = LECTERN__V1__WHO_AM_IREQUEST__INIT;
    Interop__OlderWhoAmIResponse *older = (Interop__OlderWhoAmIResponse *)unary(
        "/lectern.v1.AuthService/WhoAmI", &options, &who.base, &interop__older_who_am_iresponse__descriptor, &status);
    CHECK(older && older->kind == LECTERN__V1__PRINCIPAL_KIND__PRINCIPAL_KIND_READER && older->base.n_unknown_fields >= 2,
          "an older client reads a response with fields it does not know (%u unknown)", older ? older->base.n_unknown_fields : 0);
    if (older) protobuf_c_message_free_unpacked(&older->base, NULL);
}

/* A client stream: ImportEvents, three batches, one response. */
static void client_stream(void) {
    lectern_status status;
    lectern_call_options options = { .token = reader_token };
    lectern_call *call = lectern_client_stream(conn, "/lectern.v1.ReaderService/ImportEvents", &options, &status);
    CHECK(call != NULL, "ImportEvents starts: %s", status.message);
    if (!call) return;
    Lectern__V1__EventInput inputs[10];
    Lectern__V1__EventInput *events[10];
    for (int batch = 0; batch < 3; batch++) {
        for (int i = 0; i < 10; i++) {
            lectern__v1__event_input__init(&inputs[i]);
            inputs[i].client_session_id = "c-import";
            inputs[i].sequence = (uint64_t)(batch * 10 + i + 1);
            inputs[i].type = "imported";
            events[i] = &inputs[i];
        }
        Lectern__V1__AppendEventsRequest request = LECTERN__V1__APPEND_EVENTS_REQUEST__INIT;
        request.n_events = 10;
        request.events = events;
        CHECK(lectern_call_send(call, &request.base, &status) == 0, "ImportEvents batch %d sent", batch);
    }
    ProtobufCMessage *response = NULL;
    CHECK(lectern_call_finish(call, &lectern__v1__import_events_response__descriptor, &response, &status) == 0,
          "ImportEvents finishes: %s", status.message);
    Lectern__V1__ImportEventsResponse *counts = (Lectern__V1__ImportEventsResponse *)response;
    CHECK(counts && counts->batches == 3 && counts->stored == 30 && counts->duplicates == 0, "ImportEvents counted 3 batches, 30 events");
    if (response) protobuf_c_message_free_unpacked(response, NULL);
    lectern_call_free(call);
}

static void consultant(void) {
    lectern_status status;
    /* As the socket's owner (no token): create a supervisor, then log in as it. */
    Lectern__V1__CreateConsultantRequest create = LECTERN__V1__CREATE_CONSULTANT_REQUEST__INIT;
    create.email = "sue@staff.org";
    create.password = "supervisor password";
    create.display_name = "Sue";
    create.role = LECTERN__V1__CONSULTANT_ROLE__CONSULTANT_ROLE_SUPERVISOR;
    ProtobufCMessage *created = unary("/lectern.v1.AdminService/CreateConsultant", NULL, &create.base,
                                      &lectern__v1__create_consultant_response__descriptor, &status);
    CHECK(created != NULL, "CreateConsultant as the socket's owner: %s", status.message);
    if (created) protobuf_c_message_free_unpacked(created, NULL);
    Lectern__V1__LoginRequest login = LECTERN__V1__LOGIN_REQUEST__INIT;
    login.email = "sue@staff.org";
    login.password = "supervisor password";
    login.account_kind = LECTERN__V1__ACCOUNT_KIND__ACCOUNT_KIND_CONSULTANT;
    Lectern__V1__LoginResponse *token = (Lectern__V1__LoginResponse *)unary(
        "/lectern.v1.AuthService/Login", NULL, &login.base, &lectern__v1__login_response__descriptor, &status);
    CHECK(token != NULL, "consultant login: %s", status.message);
    if (!token) exit(1);
    snprintf(consultant_token, sizeof consultant_token, "%s", token->token);
    protobuf_c_message_free_unpacked(&token->base, NULL);

    /* Nested messages: GetReader's reader and state. */
    lectern_call_options options = { .token = consultant_token };
    Lectern__V1__GetReaderRequest get = LECTERN__V1__GET_READER_REQUEST__INIT;
    get.reader_id = reader_id;
    Lectern__V1__GetReaderResponse *reader = (Lectern__V1__GetReaderResponse *)unary(
        "/lectern.v1.ConsultantService/GetReader", &options, &get.base, &lectern__v1__get_reader_response__descriptor, &status);
    CHECK(reader && reader->reader && reader->state && reader->state->event_count == 1030 && reader->reader->online,
          "GetReader: nested reader and state (%s)", status.message);
    if (reader) protobuf_c_message_free_unpacked(&reader->base, NULL);
}

/* A server stream: Watch from the start replays the 1,030 events in order, then CaughtUp,
   then we cancel. The timeout ends the stream if an event is missing, instead of waiting
   for live events that will not come. */
static void server_stream_and_cancel(void) {
    lectern_status status;
    lectern_call_options options = { .token = consultant_token, .timeout_ms = 10000 };
    Lectern__V1__ActivityKind kinds[1] = { LECTERN__V1__ACTIVITY_KIND__ACTIVITY_KIND_EVENT };
    Lectern__V1__WatchRequest request = LECTERN__V1__WATCH_REQUEST__INIT;
    request.cursor = "0";
    request.n_kinds = 1;
    request.kinds = kinds;
    lectern_call *call = lectern_server_stream(conn, "/lectern.v1.ConsultantService/Watch", &options, &request.base, &status);
    CHECK(call != NULL, "Watch starts");
    if (!call) return;
    long long last = 0;
    int events = 0, ordered = 1;
    for (int caught_up = 0; !caught_up;) {
        ProtobufCMessage *message = NULL;
        if (lectern_call_next(call, &lectern__v1__activity_update__descriptor, &message, &status) != 1) break;
        Lectern__V1__ActivityUpdate *update = (Lectern__V1__ActivityUpdate *)message;
        caught_up = update->update_case == LECTERN__V1__ACTIVITY_UPDATE__UPDATE_CAUGHT_UP;
        long long cursor = atoll(update->cursor);
        if (update->update_case == LECTERN__V1__ACTIVITY_UPDATE__UPDATE_EVENT) {
            events++;
            if (cursor <= last || update->event->id != cursor) ordered = 0;
            last = cursor;
        }
        protobuf_c_message_free_unpacked(message, NULL);
    }
    CHECK(events == 1030 && ordered, "Watch replays 1,030 events in cursor order (%d)", events);
    CHECK(lectern_call_cancel(call) == 0, "CANCEL sent");
    lectern_call_free(call);

    /* The connection stays usable: the cancelled stream's last frames are skipped. */
    Lectern__V1__DashboardRequest dashboard = LECTERN__V1__DASHBOARD_REQUEST__INIT;
    Lectern__V1__DashboardResponse *figures = (Lectern__V1__DashboardResponse *)unary(
        "/lectern.v1.ConsultantService/Dashboard", &options, &dashboard.base, &lectern__v1__dashboard_response__descriptor, &status);
    CHECK(figures && figures->total_readers == 1 && figures->events_last_5_minutes == 1030 && figures->online_now == 1,
          "after a cancel the next call on the connection works (Dashboard: %s)", status.message);
    if (figures) protobuf_c_message_free_unpacked(&figures->base, NULL);
}

/* A deadline: a live Watch with nothing to say ends with DEADLINE_EXCEEDED when its time is up. */
static void deadline(void) {
    lectern_status status;
    lectern_call_options options = { .token = consultant_token, .timeout_ms = 300 };
    Lectern__V1__WatchRequest request = LECTERN__V1__WATCH_REQUEST__INIT;
    request.reader_ids = (int64_t[]){ 999999 };
    request.n_reader_ids = 1;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    lectern_call *call = lectern_server_stream(conn, "/lectern.v1.ConsultantService/Watch", &options, &request.base, &status);
    ProtobufCMessage *message = NULL;
    int got = call ? lectern_call_next(call, &lectern__v1__activity_update__descriptor, &message, &status) : -1;
    CHECK(got == 1, "CaughtUp first");
    if (message) protobuf_c_message_free_unpacked(message, NULL);
    message = NULL;
    got = call ? lectern_call_next(call, &lectern__v1__activity_update__descriptor, &message, &status) : -1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    long elapsed = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
    CHECK(got == -1 && status.code == LECTERN_DEADLINE_EXCEEDED && elapsed >= 250 && elapsed < 2000,
          "the server ends the call at its deadline: %s after %ld ms", lectern_code_name(status.code), elapsed);
    if (message) protobuf_c_message_free_unpacked(message, NULL);
    lectern_call_free(call);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: interop SOCKET\n");
        return 2;
    }
    lectern_status status;
    conn = lectern_connect(argv[1], &status);
    if (!conn) {
        fprintf(stderr, "connect: %s\n", status.message);
        return 1;
    }
    health();
    sign_up();
    append_events();
    milestones();
    unknown_fields();
    client_stream();
    consultant();
    server_stream_and_cancel();
    deadline();
    lectern_close(conn);
    printf("interop: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
