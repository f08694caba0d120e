public import CloudCafeCore

/// IAM errors (query protocol).
public struct IAMError: AWSServiceError {
    public enum Code: String, Sendable {
        case noSuchEntity = "NoSuchEntity"
        case entityAlreadyExists = "EntityAlreadyExists"
        case malformedPolicyDocument = "MalformedPolicyDocument"
        case validationError = "ValidationError"
        case deleteConflict = "DeleteConflict"
        case limitExceeded = "LimitExceeded"
        case invalidInput = "InvalidInput"
        case accessDenied = "AccessDenied"
    }

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int {
        switch code {
        case .noSuchEntity: 404
        case .entityAlreadyExists, .deleteConflict, .limitExceeded: 409
        case .accessDenied: 403
        case .malformedPolicyDocument, .validationError, .invalidInput: 400
        }
    }

    static func roleNotFound(_ name: String) -> Self { .init(code: .noSuchEntity, message: "The role with name \(name) cannot be found.") }
    static func policyNotFound(_ arn: String) -> Self { .init(code: .noSuchEntity, message: "Policy \(arn) does not exist or is not attachable.") }
    static func roleExists(_ name: String) -> Self { .init(code: .entityAlreadyExists, message: "Role with name \(name) already exists.") }
    static func malformed(_ message: String) -> Self { .init(code: .malformedPolicyDocument, message: message) }
}
