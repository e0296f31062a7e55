/* lectern.c: the frames and calls of Protos/README.md, over a blocking Unix socket. */
#define _POSIX_C_SOURCE 200809L
#include "lectern.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lectern/v1/rpc.pb-c.h"

enum { CALL_START = 1, MESSAGE = 2, HALF_CLOSE = 3, CALL_END = 4, CANCEL = 5, PING = 6, PONG = 7, GOAWAY = 8 };
enum { END_STREAM = 1, HEADER = 10 };
/* The server's default frame limit; a larger frame from it is a protocol error here. */
#define MAX_PAYLOAD (4u * 1024u * 1024u)

struct lectern_conn {
    int fd;
    uint32_t next_call_id;
    /* After GOAWAY: calls above this id were not processed. */
    int going_away;
    uint32_t last_call_id;
};

struct lectern_call {
    lectern_conn *conn;
    uint32_t id;
    int ended;
    /* Client-side deadline (monotonic ms), 0 for none. */
    long long deadline_ms;
};

static void set_status(lectern_status *status, uint32_t code, const char *format, const char *detail) {
    if (!status) return;
    memset(status, 0, sizeof *status);
    status->code = code;
    snprintf(status->message, sizeof status->message, format, detail ? detail : "");
}

const char *lectern_code_name(uint32_t code) {
    static const char *names[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    };
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lectern_conn *lectern_connect(const char *socket_path, lectern_status *status) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (strlen(socket_path) >= sizeof address.sun_path) {
        set_status(status, LECTERN_INVALID_ARGUMENT, "socket path too long: %s", socket_path);
        return NULL;
    }
    strcpy(address.sun_path, socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        set_status(status, LECTERN_UNAVAILABLE, "cannot connect: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    lectern_conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        close(fd);
        set_status(status, LECTERN_INTERNAL, "out of memory%s", NULL);
        return NULL;
    }
    conn->fd = fd;
    conn->next_call_id = 1;
    set_status(status, LECTERN_OK, "%s", NULL);
    return conn;
}

void lectern_close(lectern_conn *conn) {
    if (!conn) return;
    close(conn->fd);
    free(conn);
}

/* ---- frames ---- */

static int write_all(int fd, const uint8_t *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = send(fd, bytes, length, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        bytes += written;
        length -= (size_t)written;
    }
    return 0;
}

static void put_u32(uint8_t *at, uint32_t value) {
    at[0] = (uint8_t)(value >> 24);
    at[1] = (uint8_t)(value >> 16);
    at[2] = (uint8_t)(value >> 8);
    at[3] = (uint8_t)value;
}

static uint32_t get_u32(const uint8_t *at) {
    return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

/* Sends one frame whose payload is `message` packed (or empty when NULL). */
static int send_frame(lectern_conn *conn, uint8_t kind, uint8_t flags, uint32_t call_id, const ProtobufCMessage *message,
                      lectern_status *status) {
    size_t length = message ? protobuf_c_message_get_packed_size(message) : 0;
    if (length > MAX_PAYLOAD) {
        set_status(status, LECTERN_RESOURCE_EXHAUSTED, "the message is larger than the 4 MiB frame limit%s", NULL);
        return -1;
    }
    uint8_t *frame = malloc(HEADER + length);
    if (!frame) {
        set_status(status, LECTERN_INTERNAL, "out of memory%s", NULL);
        return -1;
    }
    put_u32(frame, (uint32_t)length);
    frame[4] = kind;
    frame[5] = flags;
    put_u32(frame + 6, call_id);
    if (message) protobuf_c_message_pack(message, frame + HEADER);
    int result = write_all(conn->fd, frame, HEADER + length);
    free(frame);
    if (result != 0) set_status(status, LECTERN_UNAVAILABLE, "cannot write to the server: %s", strerror(errno));
    return result;
}

/* Reads exactly `length` bytes, waiting at most until `deadline_ms` (0: no limit). */
static int read_all(int fd, uint8_t *bytes, size_t length, long long deadline_ms, lectern_status *status) {
    while (length > 0) {
        if (deadline_ms) {
            long long left = deadline_ms - now_ms();
            struct pollfd wait = { .fd = fd, .events = POLLIN };
            int ready = left > 0 ? poll(&wait, 1, (int)left) : 0;
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) {
                set_status(status, LECTERN_DEADLINE_EXCEEDED, "no answer before the call's deadline%s", NULL);
                return -1;
            }
        }
        ssize_t got = recv(fd, bytes, length, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            set_status(status, LECTERN_UNAVAILABLE, "the server closed the connection%s", got < 0 ? strerror(errno) : "");
            return -1;
        }
        bytes += got;
        length -= (size_t)got;
    }
    return 0;
}

typedef struct {
    uint8_t kind, flags;
    uint32_t call_id;
    uint32_t length;
    uint8_t *payload;
} frame;

/* Reads the next frame for `call_id`, answering PING and noting GOAWAY on the way and
 * skipping frames of other (ended) calls. */
static int read_frame(lectern_conn *conn, uint32_t call_id, long long deadline_ms, frame *out, lectern_status *status) {
    for (;;) {
        uint8_t header[HEADER];
        if (read_all(conn->fd, header, HEADER, deadline_ms, status) != 0) return -1;
        out->length = get_u32(header);
        out->kind = header[4];
        out->flags = header[5];
        out->call_id = get_u32(header + 6);
        if (out->length > MAX_PAYLOAD) {
            set_status(status, LECTERN_INTERNAL, "the server sent a frame over the size limit%s", NULL);
            return -1;
        }
        out->payload = malloc(out->length ? out->length : 1);
        if (!out->payload) {
            set_status(status, LECTERN_INTERNAL, "out of memory%s", NULL);
            return -1;
        }
        if (read_all(conn->fd, out->payload, out->length, deadline_ms, status) != 0) {
            free(out->payload);
            return -1;
        }
        if (out->kind == PING) {
            Lectern__V1__Ping *ping = lectern__v1__ping__unpack(NULL, out->length, out->payload);
            int sent = send_frame(conn, PONG, 0, 0, ping ? &ping->base : NULL, status);
            if (ping) lectern__v1__ping__free_unpacked(ping, NULL);
            free(out->payload);
            if (sent != 0) return -1;
            continue;
        }
        if (out->kind == GOAWAY) {
            Lectern__V1__GoAway *away = lectern__v1__go_away__unpack(NULL, out->length, out->payload);
            conn->going_away = 1;
            conn->last_call_id = away ? away->last_call_id : 0;
            if (away) lectern__v1__go_away__free_unpacked(away, NULL);
            free(out->payload);
            if (call_id > conn->last_call_id) {
                set_status(status, LECTERN_UNAVAILABLE, "the server is going away; retry on a new connection%s", NULL);
                return -1;
            }
            continue;
        }
        if (out->call_id != call_id) {
            free(out->payload);
            continue;
        }
        return 0;
    }
}

/* Fills `status` from a CALL_END payload; returns 0 for OK. */
static int read_call_end(const frame *end, lectern_status *status) {
    Lectern__V1__CallEnd *call_end = lectern__v1__call_end__unpack(NULL, end->length, end->payload);
    if (!call_end) {
        set_status(status, LECTERN_INTERNAL, "a CALL_END that does not decode%s", NULL);
        return -1;
    }
    set_status(status, call_end->status_code, "%s", call_end->status_message);
    if (status && call_end->details) {
        Lectern__V1__ErrorDetails *details = call_end->details;
        snprintf(status->reason, sizeof status->reason, "%s", details->reason ? details->reason : "");
        status->retry_after_ms = details->retry_after_ms;
        status->field_violations = details->n_field_violations;
        if (details->n_field_violations > 0 && details->field_violations[0]->field) {
            snprintf(status->first_violation_field, sizeof status->first_violation_field, "%s", details->field_violations[0]->field);
        }
    }
    int ok = call_end->status_code == 0 ? 0 : -1;
    lectern__v1__call_end__free_unpacked(call_end, NULL);
    return ok;
}

/* ---- calls ---- */

static lectern_call *start_call(lectern_conn *conn, const char *method, const lectern_call_options *options, lectern_status *status) {
    if (conn->going_away) {
        set_status(status, LECTERN_UNAVAILABLE, "the server is going away; connect again%s", NULL);
        return NULL;
    }
    lectern_call *call = calloc(1, sizeof *call);
    if (!call) {
        set_status(status, LECTERN_INTERNAL, "out of memory%s", NULL);
        return NULL;
    }
    call->conn = conn;
    call->id = conn->next_call_id++;

    Lectern__V1__CallStart start = LECTERN__V1__CALL_START__INIT;
    Lectern__V1__CallStart__MetadataEntry entries[2] = { LECTERN__V1__CALL_START__METADATA_ENTRY__INIT, LECTERN__V1__CALL_START__METADATA_ENTRY__INIT };
    Lectern__V1__CallStart__MetadataEntry *metadata[2];
    char bearer[1024];
    start.method = (char *)method;
    if (options && options->token) {
        snprintf(bearer, sizeof bearer, "Bearer %s", options->token);
        entries[start.n_metadata].key = "authorization";
        entries[start.n_metadata].value = bearer;
        metadata[start.n_metadata] = &entries[start.n_metadata];
        start.n_metadata++;
    }
    if (options && options->reader_token) {
        entries[start.n_metadata].key = "x-reader-token";
        entries[start.n_metadata].value = (char *)options->reader_token;
        metadata[start.n_metadata] = &entries[start.n_metadata];
        start.n_metadata++;
    }
    start.metadata = metadata;
    if (options && options->timeout_ms) {
        start.timeout_ms = options->timeout_ms;
        /* The server ends the call at its deadline; wait a little longer for that answer. */
        call->deadline_ms = now_ms() + options->timeout_ms + 2000;
    }
    if (send_frame(conn, CALL_START, 0, call->id, &start.base, status) != 0) {
        free(call);
        return NULL;
    }
    return call;
}

int lectern_call_send(lectern_call *call, const ProtobufCMessage *request, lectern_status *status) {
    return send_frame(call->conn, MESSAGE, 0, call->id, request, status);
}

/* Reads the next response message or the end of the call. */
int lectern_call_next(lectern_call *call, const ProtobufCMessageDescriptor *message_type, ProtobufCMessage **message,
                      lectern_status *status) {
    *message = NULL;
    if (call->ended) {
        set_status(status, LECTERN_INTERNAL, "the call has ended%s", NULL);
        return -1;
    }
    frame next;
    if (read_frame(call->conn, call->id, call->deadline_ms, &next, status) != 0) {
        call->ended = 1;
        return -1;
    }
    int result;
    if (next.kind == MESSAGE) {
        *message = protobuf_c_message_unpack(message_type, NULL, next.length, next.payload);
        if (*message) {
            set_status(status, LECTERN_OK, "%s", NULL);
            result = 1;
        } else {
            set_status(status, LECTERN_INTERNAL, "a response that does not decode as %s", message_type->name);
            result = -1;
        }
    } else if (next.kind == CALL_END) {
        call->ended = 1;
        result = read_call_end(&next, status);
    } else {
        set_status(status, LECTERN_INTERNAL, "an unexpected frame kind from the server%s", NULL);
        result = -1;
    }
    free(next.payload);
    return result;
}

int lectern_call_finish(lectern_call *call, const ProtobufCMessageDescriptor *response_type, ProtobufCMessage **response,
                        lectern_status *status) {
    *response = NULL;
    if (send_frame(call->conn, HALF_CLOSE, END_STREAM, call->id, NULL, status) != 0) return -1;
    ProtobufCMessage *message = NULL;
    int got = lectern_call_next(call, response_type, &message, status);
    if (got != 1) return -1;
    ProtobufCMessage *extra = NULL;
    int end = lectern_call_next(call, response_type, &extra, status);
    if (end == 1) {
        protobuf_c_message_free_unpacked(extra, NULL);
        protobuf_c_message_free_unpacked(message, NULL);
        set_status(status, LECTERN_INTERNAL, "more than one response to a call that has one%s", NULL);
        return -1;
    }
    if (end != 0) {
        protobuf_c_message_free_unpacked(message, NULL);
        return -1;
    }
    *response = message;
    return 0;
}

lectern_call *lectern_server_stream(lectern_conn *conn, const char *method, const lectern_call_options *options,
                                    const ProtobufCMessage *request, lectern_status *status) {
    lectern_call *call = start_call(conn, method, options, status);
    if (!call) return NULL;
    if (send_frame(conn, MESSAGE, END_STREAM, call->id, request, status) != 0) {
        free(call);
        return NULL;
    }
    return call;
}

lectern_call *lectern_client_stream(lectern_conn *conn, const char *method, const lectern_call_options *options,
                                    lectern_status *status) {
    return start_call(conn, method, options, status);
}

int lectern_unary(lectern_conn *conn, const char *method, const lectern_call_options *options, const ProtobufCMessage *request,
                  const ProtobufCMessageDescriptor *response_type, ProtobufCMessage **response, lectern_status *status) {
    *response = NULL;
    lectern_call *call = lectern_server_stream(conn, method, options, request, status);
    if (!call) return -1;
    ProtobufCMessage *message = NULL;
    int got = lectern_call_next(call, response_type, &message, status);
    int result = -1;
    if (got == 1) {
        ProtobufCMessage *extra = NULL;
        int end = lectern_call_next(call, response_type, &extra, status);
        if (end == 0) {
            *response = message;
            message = NULL;
            result = 0;
        } else if (end == 1) {
            protobuf_c_message_free_unpacked(extra, NULL);
            set_status(status, LECTERN_INTERNAL, "more than one response to a unary call%s", NULL);
        }
        if (message) protobuf_c_message_free_unpacked(message, NULL);
    } else if (got == 0) {
        set_status(status, LECTERN_INTERNAL, "the server ended the call without a response%s", NULL);
    }
    lectern_call_free(call);
    return result;
}

int lectern_call_cancel(lectern_call *call) {
    if (call->ended) return 0;
    call->ended = 1;
    Lectern__V1__Cancel cancel = LECTERN__V1__CANCEL__INIT;
    cancel.reason = "cancelled by the client";
    return send_frame(call->conn, CANCEL, 0, call->id, &cancel.base, NULL);
}

void lectern_call_free(lectern_call *call) {
    if (!call) return;
    if (!call->ended) lectern_call_cancel(call);
    free(call);
}
