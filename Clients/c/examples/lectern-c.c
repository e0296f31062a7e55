/*
 * lectern-c: calling Lectern from C, for gateway authors to read.
 *
 *   lectern-c SOCKET signup EMAIL PASSWORD NAME   sign up, append a batch of events, read the state
 *   lectern-c SOCKET login EMAIL PASSWORD         log in as a reader and do the same
 *   lectern-c SOCKET watch EMAIL PASSWORD N       log in as a consultant and print N activity updates
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lectern.h"
#include "lectern/v1/auth.pb-c.h"
#include "lectern/v1/consultant.pb-c.h"
#include "lectern/v1/reader.pb-c.h"

static int fail(const char *what, const lectern_status *status) {
    fprintf(stderr, "lectern-c: %s: %s: %s\n", what, lectern_code_name(status->code), status->message);
    return 1;
}

/* Logs in (or signs up) and copies the token into `token`. */
static int authenticate(lectern_conn *conn, int argc, char **argv, int consultant, char *token, size_t size) {
    lectern_status status;
    ProtobufCMessage *response = NULL;
    if (strcmp(argv[2], "signup") == 0) {
        if (argc < 6) return fprintf(stderr, "signup needs EMAIL PASSWORD NAME\n"), 1;
        Lectern__V1__SignUpRequest request = LECTERN__V1__SIGN_UP_REQUEST__INIT;
        request.email = argv[3];
        request.password = argv[4];
        request.display_name = argv[5];
        if (lectern_unary(conn, "/lectern.v1.AuthService/SignUp", NULL, &request.base, &lectern__v1__sign_up_response__descriptor,
                          &response, &status) != 0) return fail("SignUp", &status);
        snprintf(token, size, "%s", ((Lectern__V1__SignUpResponse *)response)->token);
    } else {
        Lectern__V1__LoginRequest request = LECTERN__V1__LOGIN_REQUEST__INIT;
        request.email = argv[3];
        request.password = argv[4];
        request.account_kind = consultant ? LECTERN__V1__ACCOUNT_KIND__ACCOUNT_KIND_CONSULTANT : LECTERN__V1__ACCOUNT_KIND__ACCOUNT_KIND_READER;
        if (lectern_unary(conn, "/lectern.v1.AuthService/Login", NULL, &request.base, &lectern__v1__login_response__descriptor,
                          &response, &status) != 0) return fail("Login", &status);
        snprintf(token, size, "%s", ((Lectern__V1__LoginResponse *)response)->token);
    }
    protobuf_c_message_free_unpacked(response, NULL);
    return 0;
}

/* Appends three page views in one batch, then prints the reader's state. */
static int read_some(lectern_conn *conn, const char *token) {
    lectern_call_options options = { .token = token, .timeout_ms = 5000 };
    lectern_status status;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    Lectern__V1__EventInput inputs[3];
    Lectern__V1__EventInput *events[3];
    for (int i = 0; i < 3; i++) {
        lectern__v1__event_input__init(&inputs[i]);
        inputs[i].client_session_id = "lectern-c";
        /* (session, sequence) is the event's identity: a retry with the same numbers is stored once. */
        inputs[i].sequence = (uint64_t)now_ms * 10 + (uint64_t)i;
        inputs[i].type = "page_view";
        inputs[i].content_id = "book-1";
        inputs[i].occurred_at_ms = now_ms;
        inputs[i]._progress_case = LECTERN__V1__EVENT_INPUT___PROGRESS_PROGRESS;
        inputs[i].progress = (i + 1) / 10.0;
        events[i] = &inputs[i];
    }
    Lectern__V1__AppendEventsRequest append = LECTERN__V1__APPEND_EVENTS_REQUEST__INIT;
    append.n_events = 3;
    append.events = events;
    ProtobufCMessage *response = NULL;
    if (lectern_unary(conn, "/lectern.v1.ReaderService/AppendEvents", &options, &append.base,
                      &lectern__v1__append_events_response__descriptor, &response, &status) != 0) return fail("AppendEvents", &status);
    Lectern__V1__AppendEventsResponse *appended = (Lectern__V1__AppendEventsResponse *)response;
    for (size_t i = 0; i < appended->n_results; i++) {
        printf("event %lld%s\n", (long long)appended->results[i]->event_id, appended->results[i]->duplicate ? " (already stored)" : "");
    }
    protobuf_c_message_free_unpacked(response, NULL);

    Lectern__V1__GetMyStateRequest get = LECTERN__V1__GET_MY_STATE_REQUEST__INIT;
    if (lectern_unary(conn, "/lectern.v1.ReaderService/GetMyState", &options, &get.base,
                      &lectern__v1__get_my_state_response__descriptor, &response, &status) != 0) return fail("GetMyState", &status);
    Lectern__V1__ReaderState *state = ((Lectern__V1__GetMyStateResponse *)response)->state;
    printf("events: %llu, reading: %s, progress: %.2f\n", (unsigned long long)state->event_count, state->current_content_id,
           state->_progress_case ? state->progress : 0.0);
    protobuf_c_message_free_unpacked(response, NULL);
    return 0;
}

/* Prints `count` updates of the live feed, replayed from the start. */
static int watch(lectern_conn *conn, const char *token, int count) {
    lectern_call_options options = { .token = token };
    lectern_status status;
    Lectern__V1__WatchRequest request = LECTERN__V1__WATCH_REQUEST__INIT;
    request.cursor = "0";
    lectern_call *call = lectern_server_stream(conn, "/lectern.v1.ConsultantService/Watch", &options, &request.base, &status);
    if (!call) return fail("Watch", &status);
    for (int printed = 0; printed < count; printed++) {
        ProtobufCMessage *message = NULL;
        int got = lectern_call_next(call, &lectern__v1__activity_update__descriptor, &message, &status);
        if (got != 1) {
            lectern_call_free(call);
            return got == 0 ? 0 : fail("Watch", &status);
        }
        Lectern__V1__ActivityUpdate *update = (Lectern__V1__ActivityUpdate *)message;
        switch (update->update_case) {
        case LECTERN__V1__ACTIVITY_UPDATE__UPDATE_EVENT:
            printf("%s\tevent\treader %lld\t%s\n", update->cursor, (long long)update->event->reader_id, update->event->type);
            break;
        case LECTERN__V1__ACTIVITY_UPDATE__UPDATE_PRESENCE:
            printf("%s\tpresence\treader %lld\t%s\n", update->cursor, (long long)update->presence->reader_id,
                   update->presence->online ? "online" : "offline");
            break;
        case LECTERN__V1__ACTIVITY_UPDATE__UPDATE_CAUGHT_UP:
            printf("%s\tcaught-up\n", update->cursor);
            break;
        default:
            printf("%s\tother\n", update->cursor);
        }
        protobuf_c_message_free_unpacked(message, NULL);
    }
    lectern_call_free(call); /* cancels the stream */
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: lectern-c SOCKET signup EMAIL PASSWORD NAME | login EMAIL PASSWORD | watch EMAIL PASSWORD N\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    lectern_status status;
    lectern_conn *conn = lectern_connect(argv[1], &status);
    if (!conn) return fail("connect", &status);
    int consultant = strcmp(argv[2], "watch") == 0;
    char token[256];
    int result = authenticate(conn, argc, argv, consultant, token, sizeof token);
    if (result == 0) result = consultant ? watch(conn, token, argc > 5 ? atoi(argv[5]) : 10) : read_some(conn, token);
    lectern_close(conn);
    return result;
}
