/// gRPC's status codes, with gRPC's meanings (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
/// A raw-value struct, so a code from a newer peer still decodes.
public struct RPCStatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = RPCStatusCode(rawValue: 0)
    public static let cancelled = RPCStatusCode(rawValue: 1)
    public static let unknown = RPCStatusCode(rawValue: 2)
    public static let invalidArgument = RPCStatusCode(rawValue: 3)
    public static let deadlineExceeded = RPCStatusCode(rawValue: 4)
    public static let notFound = RPCStatusCode(rawValue: 5)
    public static let alreadyExists = RPCStatusCode(rawValue: 6)
    public static let permissionDenied = RPCStatusCode(rawValue: 7)
    public static let resourceExhausted = RPCStatusCode(rawValue: 8)
    public static let failedPrecondition = RPCStatusCode(rawValue: 9)
    public static let aborted = RPCStatusCode(rawValue: 10)
    public static let outOfRange = RPCStatusCode(rawValue: 11)
    public static let unimplemented = RPCStatusCode(rawValue: 12)
    public static let `internal` = RPCStatusCode(rawValue: 13)
    public static let unavailable = RPCStatusCode(rawValue: 14)
    public static let dataLoss = RPCStatusCode(rawValue: 15)
    public static let unauthenticated = RPCStatusCode(rawValue: 16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    public var description: String {
        rawValue < Self.names.count ? Self.names[Int(rawValue)] : "CODE_\(rawValue)"
    }
}

/// A failed call: a status code and a message naming the field or limit at fault.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: RPCStatusCode
    public var message: String
    public var details: ErrorDetails?

    public init(_ code: RPCStatusCode, _ message: String, details: ErrorDetails? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    /// `ErrorDetails.reason` of a call the server never processed (refused while shutting
    /// down, above a GOAWAY's last call id, or never sent): retrying it elsewhere is safe.
    public static let notProcessedReason = "NOT_PROCESSED"

    /// Whether the server certainly did not process the call.
    public var wasNotProcessed: Bool { details?.reason == Self.notProcessedReason }

    /// The CALL_END payload that carries this error.
    public var callEnd: CallEnd {
        CallEnd.with {
            $0.statusCode = code.rawValue
            $0.statusMessage = message
            $0.details = details
        }
    }
}
