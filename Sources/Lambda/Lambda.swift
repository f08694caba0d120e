public import CloudCafeCore
public import Foundation
import LambdaAPI

/// Lambda: functions, layers and resource policies, and the runtime that invokes
/// in-process handlers.
public actor Lambda {
    struct Key: Hashable, Codable {
        let region: String
        let name: String
    }

    let dispatcher: Dispatcher
    let handlers: [String: any LambdaHandler]
    var functions: [Key: Function] = [:]
    var layers: [Key: [LayerVersion]] = [:] { didSet { importChecks.removeAll() } }
    /// Whether a handler's imports are found in a list of layers, by handler and layer ARNs:
    /// looking through the layers' file lists on every invocation cost more than running
    /// the extractor's query. Any change to the layers forgets the answers.
    var importChecks: [ImportCheck: HandlerFailure?] = [:]
    /// Warm execution environments per function, reused as AWS reuses them.
    var idleEnvironments: [Key: [ExecutionEnvironment]] = [:]
    /// Where code download links (`GetFunction`'s `Code.Location`) point: the daemon itself.
    let publicEndpoint: String
    /// Runs functions' own code; without one, only the in-process handlers run.
    let codeRuntime: (any CodeRuntime)?
    /// Functions whose log has said that they run a built-in although their package holds code.
    var builtinNoticed: Set<Key> = []
    /// The package each function's was last looked into for that (its CodeSha256): opening
    /// the archive on every invocation cost more than the invocation.
    var builtinChecked: [Key: String] = [:]
    /// The account's concurrency limit, and the invocations running now (per function and in all).
    let accountConcurrency: Int
    var inFlight: [Key: Int] = [:]
    var totalInFlight = 0
    /// SQS event source mappings by UUID.
    var mappings: [String: EventSourceMapping] = [:]

    /// A Lambda service whose functions run the given in-process handlers (keyed by `Handler`
    /// string) and, through `codeRuntime`, their own code.
    public init(
        dispatcher: Dispatcher, handlers: [String: any LambdaHandler], codeRuntime: (any CodeRuntime)? = nil, publicEndpoint: String = "http://127.0.0.1:4566",
        accountConcurrency: Int = 1000
    ) {
        self.dispatcher = dispatcher
        self.accountConcurrency = accountConcurrency
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

    /// A function name from a name (`name`, `name:alias`), a full ARN or a partial ARN (`account:function:name`).
    static func functionName(from text: String) -> String {
        if !text.utf8.contains(UInt8(ascii: ":")) { return text }  // a plain name, most calls
        if let arn = ARN(text), arn.service == "lambda" {
            let parts = arn.resource.pieces(":")
            return parts.count >= 2 ? String(parts[1]) : arn.resource
        }
        let parts = text.pieces(":")
        if parts.count >= 3, parts[1] == "function" { return String(parts[2]) }
        // `name:qualifier`
        if parts.count == 2 { return String(parts[0]) }
        return text
    }

    /// The zip of a function or a layer version, for the download links Lambda hands out.
    public func codeArchive(region: String, function: String?, layer: String?, version: Int?) -> Data? {
        if let function { return functions[Key(region: region, name: function)]?.code }
        if let layer, let version { return layers[Key(region: region, name: layer)]?.first { $0.version == version }?.content }
        return nil
    }

    /// Forgets every function, layer and mapping (admin reset) and retires their environments.
    public func reset() async {
        functions = [:]
        mappings = [:]
        inFlight = [:]
        totalInFlight = 0
        layers = [:]
        idleEnvironments = [:]
        builtinNoticed = []
        builtinChecked = [:]
        await codeRuntime?.retireAll()
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }

    /// A function's code or configuration changed, or it is gone: no warm environment of it is reused.
    func retireEnvironments(_ key: Key) async {
        idleEnvironments[key] = nil
        await codeRuntime?.retire(function: "\(key.region)/\(key.name):")
    }
}

/// A function's configuration and code.
struct Function: Sendable, Codable {
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
    /// `$LATEST`, or the number of a published version.
    var version = "$LATEST"
    /// Changes with every change to the function (PreconditionFailedException on a mismatch).
    var revisionID = ""
    /// Where events that failed every attempt go (SQS or SNS).
    var deadLetterTarget: String?

    // Held on `$LATEST` only: what belongs to the function as a whole.
    /// Published versions, oldest first; each an immutable copy.
    var versions: [Function] = []
    /// The highest version number ever published (numbers are never reused).
    var lastVersionNumber = 0
    /// `$LATEST`'s revision when the newest version was published: unchanged, PublishVersion returns that version.
    var publishedRevision: String?
    var aliases: [String: Alias] = [:]
    /// Resource policies of versions and aliases, by qualifier.
    var qualifiedPolicies: [String: ResourcePolicy] = [:]
    /// Reserved concurrency; 0 throttles every invocation.
    var reservedConcurrency: Int?
    /// Asynchronous invocation settings, by qualifier (`$LATEST`, a version, an alias).
    var invokeConfigs: [String: EventInvokeConfig] = [:]

    /// The resource policy of the unqualified function or of one qualifier.
    func policy(_ qualifier: String?) -> ResourcePolicy {
        guard let qualifier else { return policy }
        return qualifiedPolicies[qualifier] ?? ResourcePolicy()
    }

    mutating func setPolicy(_ p: ResourcePolicy, _ qualifier: String?) {
        if let qualifier { qualifiedPolicies[qualifier] = p } else { policy = p }
    }

    /// The ARN with the qualifier a version carries (`…:function:name:3`); `$LATEST`'s is unqualified.
    var qualifiedArn: String { version == "$LATEST" ? arn.description : "\(arn.description):\(version)" }
}

/// An alias: a name for a version, optionally sending a share of traffic to a second one.
struct Alias: Sendable, Codable {
    var name: String
    var functionVersion: String
    var description: String
    var additionalVersionWeights: [String: Double]
    var revisionID: String
}

/// A function's asynchronous invocation settings.
struct EventInvokeConfig: Sendable, Codable {
    var maximumRetryAttempts: Int?
    var maximumEventAgeInSeconds: Int?
    var onSuccess: String?
    var onFailure: String?
    var lastModified: Date
}

/// A layer version: its content is listed so the runtime knows which modules it provides.
struct LayerVersion: Sendable, Codable {
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
public struct ResourcePolicy: Sendable, Codable {
    /// One statement as AddPermission writes it.
    public struct Statement: Sendable, Codable {
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
    /// logs through CloudWatch Logs and assumes execution roles through STS; destinations,
    /// dead-letter queues and event source mappings reach SQS, SNS and EventBridge.
    public nonisolated var declarations: [ServiceDeclaration] {
        typealias Op = LambdaOperations
        let function: @Sendable (String, CallContext) -> String = { name, c in c.arn("lambda", "function:\(Self.functionName(from: name))").description }
        let layer: @Sendable (String, Int, CallContext) -> String = { name, version, c in c.arn("lambda", "layer:\(name):\(version)").description }
        // A qualified call's resource is the version's or alias's ARN.
        let qualified: @Sendable (String, String?, CallContext) -> String = { name, q, c in
            let qualifier = q ?? Self.qualifier(in: name)
            return c.arn("lambda", "function:\(Self.functionName(from: name))\(qualifier.map { ":\($0)" } ?? "")").description
        }
        return [
            ServiceDeclaration(
                model: LambdaOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 403), calls: ["logs", "sts"],
                mayCall: ["sqs", "sns", "events"],
                agenda: [
                    AgendaKind(Self.retryKind, priority: 2) { [self] item in
                        await retry(item)
                        return nil
                    },
                    AgendaKind(Self.pollKind, priority: 3) { [self] item in
                        await poll(item)
                        return nil
                    },
                ],
                operations: [
                    implement(Op.createFunction, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        try await lambda.checkLambdaCanAssume(i.role, ctx)
                        return try await lambda.createFunction(i, ctx)
                    },
                    implement(Op.getFunctionConfiguration, resource: { i, c in function(i.functionName, c) }) { lambda, i, ctx in
                        try await lambda.configuration(of: lambda.shown(i.functionName, i.qualifier, ctx))
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
                        Op.invoke, action: "lambda:InvokeFunction", resource: { i, c in qualified(i.functionName, i.qualifier, c) },
                        resourcePolicy: { lambda, i, c in await lambda.policyDocument(i.functionName, qualifier: i.qualifier, c) }
                    ) { try await $0.invoke($1, $2) },
                    // Versions and aliases.
                    implement(Op.publishVersion, resource: { i, c in function(i.functionName, c) }) { try await $0.publishVersion($1, $2) },
                    implement(Op.listVersionsByFunction, resource: { i, c in function(i.functionName, c) }) { try await $0.listVersions($1, $2) },
                    implement(Op.createAlias, resource: { i, c in function(i.functionName, c) }) { try await $0.createAlias($1, $2) },
                    implement(Op.getAlias, resource: { i, c in qualified(i.functionName, i.name, c) }) { try await $0.getAlias($1, $2) },
                    implement(Op.updateAlias, resource: { i, c in qualified(i.functionName, i.name, c) }) { try await $0.updateAlias($1, $2) },
                    implement(Op.deleteAlias, resource: { i, c in qualified(i.functionName, i.name, c) }) { try await $0.deleteAlias($1, $2) },
                    implement(Op.listAliases, resource: { i, c in function(i.functionName, c) }) { try await $0.listAliases($1, $2) },
                    // Concurrency.
                    implement(Op.putFunctionConcurrency, resource: { i, c in function(i.functionName, c) }) { try await $0.putConcurrency($1, $2) },
                    implement(Op.getFunctionConcurrency, resource: { i, c in function(i.functionName, c) }) { try await $0.getConcurrency($1, $2) },
                    implement(Op.deleteFunctionConcurrency, resource: { i, c in function(i.functionName, c) }) { try await $0.deleteConcurrency($1, $2) },
                    implement(Op.getAccountSettings) { lambda, _, ctx in await lambda.accountSettings(ctx) },
                    // Asynchronous invocation.
                    implement(Op.putFunctionEventInvokeConfig, resource: { i, c in qualified(i.functionName, i.qualifier, c) }) { lambda, i, ctx in
                        try await lambda.putEventInvokeConfig(
                            i.functionName, i.qualifier, retries: i.maximumRetryAttempts, age: i.maximumEventAgeInSeconds, destinations: i.destinationConfig,
                            merge: false, ctx)
                    },
                    implement(Op.updateFunctionEventInvokeConfig, resource: { i, c in qualified(i.functionName, i.qualifier, c) }) { lambda, i, ctx in
                        try await lambda.putEventInvokeConfig(
                            i.functionName, i.qualifier, retries: i.maximumRetryAttempts, age: i.maximumEventAgeInSeconds, destinations: i.destinationConfig,
                            merge: true, ctx)
                    },
                    implement(Op.getFunctionEventInvokeConfig, resource: { i, c in qualified(i.functionName, i.qualifier, c) }) { lambda, i, ctx in
                        try await lambda.getEventInvokeConfig(i.functionName, i.qualifier, ctx)
                    },
                    implement(Op.deleteFunctionEventInvokeConfig, resource: { i, c in qualified(i.functionName, i.qualifier, c) }) { lambda, i, ctx in
                        try await lambda.deleteEventInvokeConfig(i.functionName, i.qualifier, ctx)
                    },
                    implement(Op.listFunctionEventInvokeConfigs, resource: { i, c in function(i.functionName, c) }) {
                        try await $0.listEventInvokeConfigs($1, $2)
                    },
                    // SQS event source mappings.
                    implement(Op.createEventSourceMapping) { try await $0.createMapping($1, $2) },
                    implement(Op.getEventSourceMapping, resource: { i, c in c.arn("lambda", "event-source-mapping:\(i.uuid)").description }) { lambda, i, _ in
                        try await lambda.mappingConfiguration(lambda.mapping(i.uuid))
                    },
                    implement(Op.updateEventSourceMapping, resource: { i, c in c.arn("lambda", "event-source-mapping:\(i.uuid)").description }) {
                        try await $0.updateMapping($1, $2)
                    },
                    implement(Op.deleteEventSourceMapping, resource: { i, c in c.arn("lambda", "event-source-mapping:\(i.uuid)").description }) {
                        lambda, i, _ in
                        try await lambda.deleteMapping(i)
                    },
                    implement(Op.listEventSourceMappings) { try await $0.listMappings($1, $2) },
                ])
        ]
    }
}

extension Lambda: StatefulService {
    struct State: Sendable, Codable {
        let functions: [Key: Function]
        let layers: [Key: [LayerVersion]]
        let mappings: [String: EventSourceMapping]
    }

    public nonisolated var stateName: String { "lambda" }
    public func captureState() -> any Sendable { State(functions: functions, layers: layers, mappings: mappings) }

    /// Warm environments are retired: the functions put back start cold, as after a deployment.
    public func restoreState(_ state: any Sendable) async {
        guard let s = state as? State else { return }
        (functions, layers, mappings) = (s.functions, s.layers, s.mappings)
        idleEnvironments = [:]
        builtinNoticed = []
        builtinChecked = [:]
        await codeRuntime?.retireAll()
    }
}
