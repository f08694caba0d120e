public import CloudCafeCore
public import EventBridgeAPI

/// EventBridge errors (JSON protocol).
public struct EventBridgeError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = EventBridgeErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func ruleNotFound(_ name: String, bus: String = "default") -> Self {
        .init(code: .resourceNotFound, message: bus == "default" ? "Rule \(name) does not exist." : "Rule \(name) does not exist on EventBus \(bus).")
    }
    static func invalidSchedule() -> Self { .init(code: .validation, message: "Parameter ScheduleExpression is not valid.") }
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
