public import CloudCafeCore

/// EventBridge errors (JSON protocol).
public struct EventBridgeError: AWSServiceError {
    public enum Code: String, Sendable {
        case resourceNotFound = "ResourceNotFoundException"
        case validation = "ValidationException"
        case limitExceeded = "LimitExceededException"
        case invalidEventPattern = "InvalidEventPatternException"
    }

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { 400 }

    static func ruleNotFound(_ name: String) -> Self { .init(code: .resourceNotFound, message: "Rule \(name) does not exist.") }
    static func invalidSchedule() -> Self { .init(code: .validation, message: "Parameter ScheduleExpression is not valid.") }
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
