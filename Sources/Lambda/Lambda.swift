public import CloudCafeCore
public import Foundation
import LambdaAPI

/// Lambda: functions, layers and resource policies, and the runtime that invokes
/// in-process handlers.
public actor Lambda {
    struct Key: Hashable {
        let region: String
        let name: String
    }

    let dispatcher: Dispatcher
    let handlers: [String: any LambdaHandler]
    var functions: [Key: Function] = [:]
    var layers: [Key: [LayerVersion]] = [:]
    /// Warm execution environments per function, reused as AWS reuses them.
    var idleEnvironments: [Key: [ExecutionEnvironment]] = [:]
    /// Where code download links (`GetFunction`'s `Code.Location`) point: the daemon itself.
    let publicEndpoint: String
    /// Runs functions' own code; without one, only the in-process handlers run.
    let codeRuntime: (any CodeRuntime)?
    /// Functions whose log has said that they run a built-in although their package holds code.
    var builtinNoticed: Set<Key> = []

    /// A Lambda service whose functions run the given in-process handlers (keyed by `Handler`
    /// string) and, through `codeRuntime`, their own code.
    public init(
        dispatcher: Dispatcher, handlers: [String: any LambdaHandler], codeRuntime: (any CodeRuntime)? = nil, publicEndpoint: String = "http://127.0.0.1:4566"
    ) {
        self.dispatcher = dispatcher
        self.handlers = handlers
        self.codeRuntime = codeRuntime
        self.publicEndpoint = publicEndpoint
    }

    func function(_ nameOrArn: String, _ ctx: CallContext) throws(LambdaError) -> Function {
        let name = Self.functionName(from: nameOrArn)
        guard let f = functions[Key(region: ctx.region, name: name)] else {
            throw .functionNotFound(ctx.arn("lambda", "function:\(name)").description)
        }
        return f
    }

    /// A function name from a name, a full ARN or a partial ARN (`account:function:name`).
    static func functionName(from text: String) -> String {
        if let arn = ARN(text), arn.service == "lambda" {
            let parts = arn.resource.split(separator: ":")
            return parts.count >= 2 ? String(parts[1]) : arn.resource
        }
        let parts = text.split(separator: ":")
        if parts.count >= 3, parts[1] == "function" { return String(parts[2]) }
        return text
    }

    /// The zip of a function or a layer version, for the download links Lambda hands out.
    public func codeArchive(region: String, function: String?, layer: String?, version: Int?) -> Data? {
        if let function { return functions[Key(region: region, name: function)]?.code }
        if let layer, let version { return layers[Key(region: region, name: layer)]?.first { $0.version == version }?.content }
        return nil
    }

    /// Forgets every function and layer (admin reset) and retires their environments.
    public func reset() async {
        functions = [:]
        layers = [:]
        idleEnvironments = [:]
        builtinNoticed = []
        await codeRuntime?.retireAll()
    }

    /// A function's code or configuration changed, or it is gone: no warm environment of it is reused.
    func retireEnvironments(_ key: Key) async {
        idleEnvironments[key] = nil
        await codeRuntime?.retire(function: "\(key.region)/\(key.name)")
    }
}

/// A function's configuration and code.
struct Function: Sendable {
    var name: String
    var arn: ARN
    var runtime: String?
    var role: ARN
    var handler: String
    var description: String
    var timeout: Int
    var memorySize: Int
    var environment: [String: String]
    var layers: [ARN]
    var code: Data
    var codeSha256: String
    var codeSize: Int { code.count }
    var lastModified: Date
    var policy: ResourcePolicy = ResourcePolicy()
    var tags: [String: String] = [:]
}

/// A layer version: its content is listed so the runtime knows which modules it provides.
struct LayerVersion: Sendable {
    let arn: ARN
    let version: Int
    let description: String
    let compatibleRuntimes: [String]
    let created: Date
    let content: Data
    let codeSha256: String
    let entries: [String]
    var codeSize: Int { content.count }
}

/// A function's resource-based policy: the statements AddPermission adds.
public struct ResourcePolicy: Sendable {
    /// One statement as AddPermission writes it.
    public struct Statement: Sendable {
        public let sid: String
        public let principal: String
        public let action: String
        public let resource: String
        public let sourceArn: String?
        public let sourceAccount: String?
    }

    /// The statements in the order they were added.
    public var statements: [Statement] = []
    /// Changes with every update (AWS's RevisionId).
    public var revisionID = ""
}

extension Lambda: AWSService {
    /// Lambda over rest-json: denials are `AccessDeniedException`/403. It writes functions'
    /// logs through CloudWatch Logs and assumes execution roles through STS.
    public nonisolated var declarations: [ServiceDeclaration] {
        typealias Op = LambdaOperations
        let function: @Sendable (String, CallContext) -> String = { name, c in c.arn("lambda", "function:\(Self.functionName(from: name))").description }
        let layer: @Sendable (String, Int, CallContext) -> String = { name, version, c in c.arn("lambda", "layer:\(name):\(version)").description }
        return [
            ServiceDeclaration(
                model: LambdaOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 403), calls: ["logs", "sts"],
                agenda: [
                    AgendaKind(Self.retryKind, priority: 2) { [self] item in
                        await retry(item)
                        return nil
                    }
                ],
                operations: [
                    implement(Op.createFunction, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        try await lambda.checkLambdaCanAssume(i.role, ctx)
                        return try await lambda.createFunction(i, ctx)
                    },
                    implement(Op.getFunctionConfiguration, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        try await lambda.configuration(of: lambda.function(i.functionName, ctx))
                    },
                    implement(Op.updateFunctionConfiguration, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        if let role = i.role { try await lambda.checkLambdaCanAssume(role, ctx) }
                        let answer = try await lambda.updateFunctionConfiguration(i, ctx)
                        await lambda.retireEnvironments(Key(region: ctx.region, name: answer.functionName ?? ""))
                        return answer
                    },
                    implement(Op.updateFunctionCode, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        let answer = try await lambda.updateFunctionCode(i, ctx)
                        await lambda.retireEnvironments(Key(region: ctx.region, name: answer.functionName ?? ""))
                        return answer
                    },
                    implement(Op.getFunction, resource: { i, c in function(i.functionName, c) }) { try await $0.getFunction($1, $2) },
                    implement(Op.listFunctions) { try await $0.listFunctions($1, $2) },
                    implement(Op.deleteFunction, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        let answer = try await lambda.deleteFunction(i, ctx)
                        await lambda.retireEnvironments(Key(region: ctx.region, name: Self.functionName(from: i.functionName)))
                        return answer
                    },
                    implement(Op.addPermission, resource: { i, c in function(i.functionName, c) }) { try await $0.addPermission($1, $2) },
                    implement(Op.getPolicy, resource: { i, c in function(i.functionName, c) }) { try await $0.getPolicy($1, $2) },
                    implement(Op.removePermission, resource: { i, c in function(i.functionName, c) }) { try await $0.removePermission($1, $2) },
                    implement(Op.publishLayerVersion, resource: { i, c in c.arn("lambda", "layer:\(i.layerName)").description }) {
                        try await $0.publishLayerVersion($1, $2)
                    },
                    implement(Op.getLayerVersion, resource: { i, c in layer(i.layerName, i.versionNumber, c) }) { try await $0.getLayerVersion($1, $2) },
                    implement(Op.listLayers) { try await $0.listLayers($1, $2) },
                    implement(Op.listLayerVersions, resource: { i, c in c.arn("lambda", "layer:\(i.layerName)").description }) {
                        try await $0.listLayerVersions($1, $2)
                    },
                    // Deleting a version that does not exist succeeds, as in AWS.
                    implement(Op.deleteLayerVersion, resource: { i, c in layer(i.layerName, i.versionNumber, c) }) { await $0.deleteLayerVersion($1, $2) },
                    implement(Op.tagResource, resource: { i, _ in i.resource }) { try await $0.tag($1.resource, adding: $1.tags, removing: [], $2) },
                    implement(Op.untagResource, resource: { i, _ in i.resource }) { try await $0.tag($1.resource, adding: [:], removing: $1.tagKeys, $2) },
                    implement(Op.listTags, resource: { i, _ in i.resource }) { lambda, i, ctx in
                        try await ListTagsResponse(tags: lambda.function(i.resource, ctx).tags)
                    },
                    implement(
                        Op.invoke, action: "lambda:InvokeFunction", resource: { i, c in function(i.functionName, c) },
                        resourcePolicy: { lambda, i, c in await lambda.policyDocument(i.functionName, c) }
                    ) { try await $0.invoke($1, $2) },
                ])
        ]
    }
}
