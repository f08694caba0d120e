public import CloudCafeCore
public import SNSAPI

/// SNS errors (query protocol: `<Error><Type>Sender</Type><Code>…`).
public struct SNSError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = SNSErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func topicNotFound() -> Self { .init(code: .notFound, message: "Topic does not exist") }
    static func subscriptionNotFound() -> Self { .init(code: .notFound, message: "Subscription does not exist") }
    static func invalidParameter(_ message: String) -> Self { .init(code: .invalidParameter, message: message) }
}
