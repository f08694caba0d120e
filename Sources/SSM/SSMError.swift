public import CloudCafeCore

/// SSM errors (JSON protocol).
public struct SSMError: AWSServiceError {
    public enum Code: String, Sendable {
        case parameterNotFound = "ParameterNotFound"
        case parameterAlreadyExists = "ParameterAlreadyExists"
        case validation = "ValidationException"
    }

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { 400 }

    static func notFound(_ name: String) -> Self { .init(code: .parameterNotFound, message: "Parameter \(name) not found.") }
    static func alreadyExists() -> Self {
        .init(
            code: .parameterAlreadyExists,
            message: "The parameter already exists. To overwrite this request value, set the overwrite option in the request to true.")
    }
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
