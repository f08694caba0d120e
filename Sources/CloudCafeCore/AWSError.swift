/// An error a client can cause, carried to the client in its protocol's error shape.
///
/// Services define their own conforming types whose wire code is an enum's raw value;
/// only the Gateway turns them into protocol bodies.
public protocol AWSServiceError: Error, Sendable, CustomStringConvertible {
    /// AWS's error code, as the wire carries it (`ResourceNotFoundException`, `NotFound`).
    var errorCode: String { get }
    /// AWS's human-readable message.
    var message: String { get }
    /// The HTTP status AWS answers with.
    var httpStatus: Int { get }
    /// Whether the caller is at fault (`Sender`) or the service (`Receiver`), for query-protocol errors.
    var isSenderFault: Bool { get }
    /// For a service that moved from the query protocol to JSON (SQS), the code it used to
    /// answer, which clients read from `x-amzn-query-error`.
    var queryCompatibleCode: String? { get }
    /// Members the error's shape adds beside the message (Lambda's `Reason`).
    var errorFields: [(String, String)] { get }
}

extension AWSServiceError {
    public var isSenderFault: Bool { httpStatus < 500 }
    public var queryCompatibleCode: String? { nil }
    public var errorFields: [(String, String)] { [] }
    public var description: String { "\(errorCode): \(message)" }
}

/// Errors common to every service (authorization, throttling, internal failures).
public struct CommonError: AWSServiceError {
    public let errorCode: String
    public let message: String
    public let httpStatus: Int

    public init(code: String, message: String, httpStatus: Int) {
        self.errorCode = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// An unexpected failure inside CloudCafe; the daemon logs the cause.
    public static func internalFailure(_ detail: String = "An internal error occurred.") -> Self {
        .init(code: "InternalFailure", message: detail, httpStatus: 500)
    }

    /// IAM denied the call. Each protocol spells the code differently; the service picks it.
    public static func accessDenied(code: String = "AccessDeniedException", message: String, httpStatus: Int = 403) -> Self {
        .init(code: code, message: message, httpStatus: httpStatus)
    }
}
