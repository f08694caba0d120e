public import CloudCafeCore
public import LambdaAPI

/// Lambda errors (rest-json: code in `x-amzn-ErrorType`, `Type` User/Service).
public struct LambdaError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = LambdaErrorCode

    public let code: Code
    public let message: String
    /// Why a call was throttled (`TooManyRequestsException`'s `Reason`).
    public var reason: String?
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }
    public var errorFields: [(String, String)] { reason.map { [("Reason", $0)] } ?? [] }

    public init(code: Code, message: String, reason: String? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
    }

    static func functionNotFound(_ arn: String) -> Self { .init(code: .resourceNotFound, message: "Function not found: \(arn)") }
    static func functionExists(_ name: String) -> Self { .init(code: .resourceConflict, message: "Function already exist: \(name)") }
    static func invalid(_ message: String) -> Self { .init(code: .invalidParameterValue, message: message) }
    static func tooLarge(_ limit: Int) -> Self {
        .init(code: .requestTooLarge, message: "Request must be smaller than \(limit) bytes for the InvokeFunction operation")
    }
    static func layerNotFound(_ arn: String) -> Self { .init(code: .resourceNotFound, message: "Layer version \(arn) does not exist.") }
    static func policyNotFound() -> Self { .init(code: .resourceNotFound, message: "The resource you requested does not exist.") }
    static func statementExists(_ sid: String) -> Self {
        .init(
            code: .resourceConflict,
            message: "The statement id (\(sid)) provided already exists. Please provide a new statement id, or remove the existing statement.")
    }
}
