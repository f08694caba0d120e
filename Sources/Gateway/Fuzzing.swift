public import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Entry points for fuzzing and corpus replay: each takes what a client can send and must
/// answer, never trap.
public enum GatewayFuzzing {
    /// A query-protocol form decoded into `operation`'s input tree of `model`, and validated.
    public static func queryForm(_ form: String, model: ServiceModel, operation: String) {
        guard let op = model.operation(operation), let input = op.input else { return }
        let tree = WireBinding(model: model).queryTree(QueryCodec.parseForm(form), shape: input)
        _ = ShapeValidator(model).violations(of: tree, shape: input)
    }

    /// SigV4 `Authorization` header and presigned-URL parsing.
    public static func signature(authorization: String, path: String) {
        var fields = HTTPFields()
        fields[.authorization] = authorization
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: path, headerFields: fields), body: RequestBody(buffer: ByteBuffer()))
        _ = SignedRequest(request)
    }
}
