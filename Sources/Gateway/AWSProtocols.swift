import Engine
import HTTPTypes
import Hummingbird
import NIOCore

/// The AWS wire protocols (rest-json, JSON 1.1, query). Until they are built, every AWS
/// request is answered with AWS's error for an operation the service does not know, never
/// a plausible result.
struct AWSProtocols {
    let engine: CloudCafeEngine

    func register(on router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/", method: method) { _, _ in Self.unsupported() }
            router.on("/**", method: method) { _, _ in Self.unsupported() }
        }
    }

    static func unsupported() -> Response {
        let body = #"{"__type":"UnknownOperationException","message":"CloudCafe does not serve AWS wire protocols yet; use the admin API or the cloudcafe CLI."}"#
        return Response(
            status: .badRequest, headers: [.contentType: "application/x-amz-json-1.1", HTTPField.Name("x-amzn-ErrorType")!: "UnknownOperationException"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
