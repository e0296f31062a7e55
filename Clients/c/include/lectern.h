/*
 * lectern.h: a small C client for Lectern's RPC protocol over a Unix socket
 * (Protos/README.md), on protobuf-c. One connection carries one call at a time;
 * frames of calls that ended (a cancelled stream, say) are skipped.
 *
 * Every function that can fail fills a lectern_status: code 0 is OK, otherwise a
 * gRPC status code with the server's message, or UNAVAILABLE / INTERNAL /
 * DEADLINE_EXCEEDED for what went wrong on this side.
 */
#ifndef LECTERN_H
#define LECTERN_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    LECTERN_OK = 0,
    LECTERN_CANCELLED = 1,
    LECTERN_INVALID_ARGUMENT = 3,
    LECTERN_DEADLINE_EXCEEDED = 4,
    LECTERN_NOT_FOUND = 5,
    LECTERN_ALREADY_EXISTS = 6,
    LECTERN_PERMISSION_DENIED = 7,
    LECTERN_RESOURCE_EXHAUSTED = 8,
    LECTERN_UNIMPLEMENTED = 12,
    LECTERN_INTERNAL = 13,
    LECTERN_UNAVAILABLE = 14,
    LECTERN_UNAUTHENTICATED = 16,
};

/* How a call ended. */
typedef struct {
    uint32_t code;
    char message[512];
    /* From the status details, when the server sent them. */
    char reason[64];
    uint64_t retry_after_ms;
    size_t field_violations;
    char first_violation_field[128];
} lectern_status;

/* What a call sends besides its request. Every member may be zero. */
typedef struct {
    /* Sent as "authorization: Bearer <token>". */
    const char *token;
    /* A gateway's service key acting for a reader: the reader's token ("x-reader-token"). */
    const char *reader_token;
    /* The time the call may take; 0 for none. */
    uint32_t timeout_ms;
} lectern_call_options;

typedef struct lectern_conn lectern_conn;
typedef struct lectern_call lectern_call;

/* Connects to lecternd's socket; NULL on failure (status says why). */
lectern_conn *lectern_connect(const char *socket_path, lectern_status *status);
void lectern_close(lectern_conn *conn);

/* One request, one response. Returns 0 when the call succeeded and *response holds the
 * decoded answer (free it with protobuf_c_message_free_unpacked), -1 otherwise. */
int lectern_unary(lectern_conn *conn, const char *method, const lectern_call_options *options,
                  const ProtobufCMessage *request, const ProtobufCMessageDescriptor *response_type,
                  ProtobufCMessage **response, lectern_status *status);

/* A server stream: start it, then lectern_call_next until it returns 0 (ended with OK) or
 * -1 (ended otherwise; see status). Returns 1 with a message in *message. */
lectern_call *lectern_server_stream(lectern_conn *conn, const char *method, const lectern_call_options *options,
                                    const ProtobufCMessage *request, lectern_status *status);
int lectern_call_next(lectern_call *call, const ProtobufCMessageDescriptor *message_type,
                      ProtobufCMessage **message, lectern_status *status);

/* A client stream: start it, send requests, then finish for the one response. */
lectern_call *lectern_client_stream(lectern_conn *conn, const char *method, const lectern_call_options *options,
                                    lectern_status *status);
int lectern_call_send(lectern_call *call, const ProtobufCMessage *request, lectern_status *status);
int lectern_call_finish(lectern_call *call, const ProtobufCMessageDescriptor *response_type,
                        ProtobufCMessage **response, lectern_status *status);

/* Asks the server to stop the call; its remaining frames are skipped. */
int lectern_call_cancel(lectern_call *call);
/* Frees the call (cancelling it first if it has not ended). */
void lectern_call_free(lectern_call *call);

/* "INVALID_ARGUMENT" for 3, and so on. */
const char *lectern_code_name(uint32_t code);

#ifdef __cplusplus
}
#endif
#endif
