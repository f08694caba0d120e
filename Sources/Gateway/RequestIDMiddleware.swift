import CloudCafeCore
import HTTPTypes
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

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-amzn-RequestId")!
}
