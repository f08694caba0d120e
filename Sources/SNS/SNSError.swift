public import CloudCafeCore

/// SNS errors (query protocol: `<Error><Type>Sender</Type><Code>…`).
public struct SNSError: AWSServiceError {
    public enum Code: String, Sendable {
        case notFound = "NotFound"
        case invalidParameter = "InvalidParameter"
        case authorizationError = "AuthorizationError"
        case emptyBatchRequest = "EmptyBatchRequest"
        case tooManyEntriesInBatchRequest = "TooManyEntriesInBatchRequest"
        case batchEntryIdsNotDistinct = "BatchEntryIdsNotDistinct"
    }

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int {
        switch code {
        case .notFound: 404
        case .invalidParameter, .emptyBatchRequest, .tooManyEntriesInBatchRequest, .batchEntryIdsNotDistinct: 400
        case .authorizationError: 403
        }
    }

    static func topicNotFound() -> Self { .init(code: .notFound, message: "Topic does not exist") }
    static func subscriptionNotFound() -> Self { .init(code: .notFound, message: "Subscription does not exist") }
    static func invalidParameter(_ message: String) -> Self { .init(code: .invalidParameter, message: message) }
}
