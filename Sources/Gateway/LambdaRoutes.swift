import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Lambda

/// Lambda's rest-json routes (botocore `http.requestUri`): path members are merged into the
/// JSON body's members before decoding; Invoke binds headers and a raw payload.
struct LambdaRoutes {
    let catalog: ServiceCatalog
    let engine: CloudCafeEngine

    /// `(method, path template, operation)`; `{Name}` binds a path member.
    static let routes: [(HTTPRequest.Method, String, String)] = [
        (.post, "/2015-03-31/functions", "CreateFunction"),
        (.get, "/2015-03-31/functions/{FunctionName}/configuration", "GetFunctionConfiguration"),
        (.put, "/2015-03-31/functions/{FunctionName}/configuration", "UpdateFunctionConfiguration"),
        (.post, "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"),
        (.post, "/2015-03-31/functions/{FunctionName}/policy", "AddPermission"),
        (.post, "/2018-10-31/layers/{LayerName}/versions", "PublishLayerVersion"),
    ]

    func handle(_ request: Request, body: Data, caller: Caller) async -> Response {
        let path = request.uri.path.hasSuffix("/") && request.uri.path.count > 1 ? String(request.uri.path.dropLast()) : request.uri.path
        guard let (name, bound) = Self.match(request.method, path) else {
            return RestJSONCodec.error(WireError(errorCode: "UnknownOperationException", message: "CloudCafe does not implement \(request.method) \(path).", httpStatus: 404))
        }
        do {
            if name == "Invoke" { return try await invoke(request, function: bound["FunctionName"] ?? "", body: body, caller: caller) }
            guard let operation = catalog.table("lambda")?[name] else { throw WireError.unknownOperation(name) }
            var members: [(String, JSONValue)] = []
            if !body.isEmpty {
                guard case .object(let fields) = try JSONValue(parsing: body) else { throw WireError.malformed("The request body must be a JSON object.", code: "InvalidRequestContentException") }
                members = fields
            }
            for (key, value) in bound { members.append((key, .string(value))) }
            return try await operation.run(RestJSONCodec(members: .object(members)), caller, engine.dispatcher)
        } catch let e as JSONValue.SyntaxError {
            return RestJSONCodec.error(WireError.malformed("Could not parse request body into json: \(e)", code: "InvalidRequestContentException"))
        } catch {
            return RestJSONCodec.error(AWSProtocols(engine: engine).awsError(error, validationCode: "ValidationException"))
        }
    }

    /// Invoke: `X-Amz-Invocation-Type`, `X-Amz-Log-Type`, the payload as the body; the answer
    /// carries `X-Amz-Function-Error`, `X-Amz-Log-Result` and `X-Amz-Executed-Version`.
    func invoke(_ request: Request, function: String, body: Data, caller: Caller) async throws -> Response {
        let input = InvokeInput(
            functionName: function, invocationType: request.headers[HTTPField.Name("X-Amz-Invocation-Type")!],
            logType: request.headers[HTTPField.Name("X-Amz-Log-Type")!], payload: body)
        let out = try await engine.dispatcher.perform(Lambda.invoke, input, as: caller)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let e = out.functionError { headers[HTTPField.Name("X-Amz-Function-Error")!] = e }
        if let log = out.logResult { headers[HTTPField.Name("X-Amz-Log-Result")!] = log }
        if let v = out.executedVersion { headers[HTTPField.Name("X-Amz-Executed-Version")!] = v }
        return Response(status: .init(code: out.statusCode), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: out.payload)))
    }

    static func match(_ method: HTTPRequest.Method, _ path: String) -> (String, [String: String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for (m, template, name) in routes where m == method {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == segments.count else { continue }
            var bound: [String: String] = [:]
            var ok = true
            for (t, s) in zip(parts, segments) {
                if t.hasPrefix("{") {
                    guard !s.isEmpty else { ok = false; break }
                    bound[String(t.dropFirst().dropLast())] = s.removingPercentEncoding ?? s
                } else if t != s {
                    ok = false
                    break
                }
            }
            if ok { return (name, bound) }
        }
        return nil
    }
}
