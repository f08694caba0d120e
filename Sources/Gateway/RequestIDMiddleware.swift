import CloudCafeCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Gives every response a request id, as AWS does (`x-amzn-RequestId`).
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    let ids: IDGenerator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.requestID] == nil { response.headers[.requestID] = ids.uuid() }
        return response
    }
}

/// The AWS headers the Gateway reads and writes. The names are constants, valid by construction.
extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-amzn-RequestId")!
    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let amzDate = HTTPField.Name("X-Amz-Date")!
    static let amzSecurityToken = HTTPField.Name("X-Amz-Security-Token")!
    static let amzContentSHA256 = HTTPField.Name("x-amz-content-sha256")!
    static let amzInvocationType = HTTPField.Name("X-Amz-Invocation-Type")!
    static let amzLogType = HTTPField.Name("X-Amz-Log-Type")!
    static let amzFunctionError = HTTPField.Name("X-Amz-Function-Error")!
    static let amzLogResult = HTTPField.Name("X-Amz-Log-Result")!
    static let amzExecutedVersion = HTTPField.Name("X-Amz-Executed-Version")!
    static let amznErrorType = HTTPField.Name("x-amzn-ErrorType")!
    static let cloudcafeFile = HTTPField.Name("x-cloudcafe-file")!
    static let host = HTTPField.Name("host")!
}
