import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Lambda

/// The rest-json routes of Lambda and EventBridge Scheduler (botocore `http.requestUri`):
/// path and query members are merged into the JSON body's members before decoding; Lambda's
/// Invoke binds headers and a raw payload.
struct RestJSONRoutes {
    let service: String
    let catalog: ServiceCatalog
    let engine: CloudCafeEngine

    /// One rest-json route (botocore `http.requestUri`); `{Name}` binds a path member,
    /// `query` maps query-string names to members (`tagKeys` → `TagKeys`) and whether they are integers or lists.
    struct Route: Sendable {
        enum Kind: Sendable { case string, integer, list }
        let method: HTTPRequest.Method
        let template: String
        let operation: String
        var query: [String: (member: String, kind: Kind)] = [:]
    }

    static let listQuery: [String: (member: String, kind: Route.Kind)] = ["Marker": ("Marker", .string), "MaxItems": ("MaxItems", .integer)]

    static let schedulerRoutes: [Route] = [
        Route(method: .post, template: "/schedules/{Name}", operation: "CreateSchedule"),
        Route(method: .get, template: "/schedules/{Name}", operation: "GetSchedule", query: ["groupName": ("GroupName", .string)]),
        Route(method: .put, template: "/schedules/{Name}", operation: "UpdateSchedule"),
        Route(method: .delete, template: "/schedules/{Name}", operation: "DeleteSchedule", query: ["groupName": ("GroupName", .string)]),
        Route(
            method: .get, template: "/schedules", operation: "ListSchedules",
            query: [
                "ScheduleGroup": ("GroupName", .string), "NamePrefix": ("NamePrefix", .string), "State": ("State", .string),
                "MaxResults": ("MaxResults", .integer), "NextToken": ("NextToken", .string),
            ]),
        Route(method: .post, template: "/schedule-groups/{Name}", operation: "CreateScheduleGroup"),
        Route(method: .get, template: "/schedule-groups/{Name}", operation: "GetScheduleGroup"),
        Route(method: .delete, template: "/schedule-groups/{Name}", operation: "DeleteScheduleGroup"),
        Route(method: .get, template: "/schedule-groups", operation: "ListScheduleGroups"),
    ]

    var routes: [Route] { service == "scheduler" ? Self.schedulerRoutes : Self.lambdaRoutes }

    static let lambdaRoutes: [Route] = [
        Route(method: .post, template: "/2015-03-31/functions", operation: "CreateFunction"),
        Route(method: .get, template: "/2015-03-31/functions", operation: "ListFunctions", query: listQuery),
        Route(method: .get, template: "/2015-03-31/functions/{FunctionName}", operation: "GetFunction"),
        Route(method: .delete, template: "/2015-03-31/functions/{FunctionName}", operation: "DeleteFunction"),
        Route(method: .get, template: "/2015-03-31/functions/{FunctionName}/configuration", operation: "GetFunctionConfiguration"),
        Route(method: .put, template: "/2015-03-31/functions/{FunctionName}/configuration", operation: "UpdateFunctionConfiguration"),
        Route(method: .put, template: "/2015-03-31/functions/{FunctionName}/code", operation: "UpdateFunctionCode"),
        Route(method: .post, template: "/2015-03-31/functions/{FunctionName}/invocations", operation: "Invoke"),
        Route(method: .post, template: "/2015-03-31/functions/{FunctionName}/policy", operation: "AddPermission"),
        Route(method: .get, template: "/2015-03-31/functions/{FunctionName}/policy", operation: "GetPolicy"),
        Route(method: .delete, template: "/2015-03-31/functions/{FunctionName}/policy/{StatementId}", operation: "RemovePermission"),
        Route(method: .post, template: "/2018-10-31/layers/{LayerName}/versions", operation: "PublishLayerVersion"),
        Route(method: .get, template: "/2018-10-31/layers", operation: "ListLayers", query: listQuery),
        Route(method: .get, template: "/2018-10-31/layers/{LayerName}/versions", operation: "ListLayerVersions", query: listQuery),
        Route(method: .get, template: "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}", operation: "GetLayerVersion"),
        Route(method: .delete, template: "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}", operation: "DeleteLayerVersion"),
        Route(method: .post, template: "/2017-03-31/tags/{Resource}", operation: "TagResource"),
        Route(method: .get, template: "/2017-03-31/tags/{Resource}", operation: "ListTags"),
        Route(method: .delete, template: "/2017-03-31/tags/{Resource}", operation: "UntagResource", query: ["tagKeys": ("TagKeys", .list)]),
    ]

    func handle(_ request: Request, body: Data, caller: Caller) async -> Response {
        let path = request.uri.path.hasSuffix("/") && request.uri.path.count > 1 ? String(request.uri.path.dropLast()) : request.uri.path
        guard let (route, bound) = match(request.method, path) else {
            return RestJSONCodec.error(
                WireError(errorCode: "UnknownOperationException", message: "CloudCafe does not implement \(request.method) \(path).", httpStatus: 404))
        }
        do {
            let name = route.operation
            if name == "Invoke" { return try await invoke(request, function: bound["FunctionName"] ?? "", body: body, caller: caller) }
            guard let operation = catalog.table(service)?[name] else { throw WireError.unknownOperation(name) }
            var members: [(String, JSONValue)] = []
            if !body.isEmpty {
                guard case .object(let fields) = try JSONValue(parsing: body) else {
                    throw WireError.malformed("The request body must be a JSON object.", code: "InvalidRequestContentException")
                }
                members = fields
            }
            for (key, value) in bound { members.append((key, key == "VersionNumber" ? (Int(value).map { .int($0) } ?? .string(value)) : .string(value))) }
            for (name, binding) in route.query {
                let values: [String] = request.uri.queryParameters.getAll(name).map { String($0) }
                guard let first = values.first else { continue }
                switch binding.kind {
                case .string: members.append((binding.member, .string(first)))
                case .integer:
                    guard let n = Int(first) else {
                        throw WireError(errorCode: "InvalidParameterValueException", message: "\(name) must be an integer", httpStatus: 400)
                    }
                    members.append((binding.member, .int(n)))
                case .list: members.append((binding.member, .array(values.map { JSONValue.string($0) })))
                }
            }
            return try await operation.run(RestJSONCodec(members: .object(members)), caller, engine.dispatcher)
        } catch let e as JSONValue.SyntaxError {
            return RestJSONCodec.error(WireError.malformed("Could not parse request body into json: \(e)", code: "InvalidRequestContentException"))
        } catch {
            return RestJSONCodec.error(AWSProtocols.awsError(error, validationCode: "ValidationException"))
        }
    }

    /// Invoke: `X-Amz-Invocation-Type`, `X-Amz-Log-Type`, the payload as the body; the answer
    /// carries `X-Amz-Function-Error`, `X-Amz-Log-Result` and `X-Amz-Executed-Version`.
    func invoke(_ request: Request, function: String, body: Data, caller: Caller) async throws -> Response {
        let input = InvokeInput(
            functionName: function, invocationType: request.headers[.amzInvocationType],
            logType: request.headers[.amzLogType], payload: body)
        let out = try await engine.dispatcher.perform(Lambda.invoke, input, as: caller)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let e = out.functionError { headers[.amzFunctionError] = e }
        if let log = out.logResult { headers[.amzLogResult] = log }
        if let v = out.executedVersion { headers[.amzExecutedVersion] = v }
        return Response(status: .init(code: out.statusCode), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: out.payload)))
    }

    func match(_ method: HTTPRequest.Method, _ path: String) -> (Route, [String: String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for route in routes where route.method == method {
            let parts = route.template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
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
            if ok { return (route, bound) }
        }
        return nil
    }
}
