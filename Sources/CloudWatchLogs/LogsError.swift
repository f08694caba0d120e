public import CloudCafeCore
public import CloudWatchLogsAPI

/// CloudWatch Logs errors (JSON protocol: `__type` is the code).
public struct LogsError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = CloudWatchLogsErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func groupNotFound() -> Self { .init(code: .resourceNotFound, message: "The specified log group does not exist.") }
    static func streamNotFound() -> Self { .init(code: .resourceNotFound, message: "The specified log stream does not exist.") }
    static func groupExists() -> Self { .init(code: .resourceAlreadyExists, message: "The specified log group already exists") }
    static func streamExists() -> Self { .init(code: .resourceAlreadyExists, message: "The specified log stream already exists") }
    static func invalid(_ message: String) -> Self { .init(code: .invalidParameter, message: message) }
}
