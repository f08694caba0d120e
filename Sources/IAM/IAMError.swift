public import CloudCafeCore
public import IAMAPI

/// IAM errors (query protocol).
public struct IAMError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = IAMErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func roleNotFound(_ name: String) -> Self { .init(code: .noSuchEntity, message: "The role with name \(name) cannot be found.") }
    static func policyNotFound(_ arn: String) -> Self { .init(code: .noSuchEntity, message: "Policy \(arn) does not exist or is not attachable.") }
    static func roleExists(_ name: String) -> Self { .init(code: .entityAlreadyExists, message: "Role with name \(name) already exists.") }
    static func malformed(_ message: String) -> Self { .init(code: .malformedPolicyDocument, message: message) }
}
