public import CloudCafeCore
public import SSMAPI

/// SSM errors (JSON protocol).
public struct SSMError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = SSMErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func notFound(_ name: String) -> Self { .init(code: .parameterNotFound, message: "Parameter \(name) not found.") }
    static func alreadyExists() -> Self {
        .init(
            code: .parameterAlreadyExists,
            message: "The parameter already exists. To overwrite this request value, set the overwrite option in the request to true.")
    }
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
