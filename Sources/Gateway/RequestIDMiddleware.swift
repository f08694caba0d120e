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

/// Under `--strict-auth`, the admin API answers only a caller holding the token the daemon
/// wrote at start (`Authorization: Bearer <token>`); `/_cloudcafe/health` stays open.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // A browser's EventSource cannot send headers: the timeline stream takes `?token=` too.
        let given =
            request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            ?? (request.uri.path.hasSuffix("/timeline/stream") ? request.uri.queryParameters.get("token").map { String($0) } : nil)
        // The console's page itself holds nothing: it asks for the token and sends it with each call.
        let open = request.uri.path.hasSuffix("/health") || request.uri.path.hasSuffix("/_cloudcafe/console")
        guard open || Self.equal(given ?? "", token) else {
            let body = #"{"error":"Unauthorized","message":"the admin API needs the token in the daemon's admin token file (Authorization: Bearer <token>)"}"#
            return Response(status: .unauthorized, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
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
