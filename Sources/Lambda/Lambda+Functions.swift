public import CloudCafeCore
import Crypto
public import Foundation
import STSAPI

// MARK: - Shapes (botocore lambda 2015-03-31)

/// A function's code as a client sends it.
public struct FunctionCode: Sendable, Codable {
    /// The zip archive's bytes (base64 on the wire).
    public var zipFile: Data?
    enum CodingKeys: String, CodingKey { case zipFile = "ZipFile" }
    public init(zipFile: Data?) { self.zipFile = zipFile }
}

/// Environment variables.
public struct Environment: Sendable, Codable, Equatable {
    public var variables: [String: String]?
    enum CodingKeys: String, CodingKey { case variables = "Variables" }
    public init(variables: [String: String]?) { self.variables = variables }
}

/// CreateFunction input.
public struct CreateFunctionInput: Sendable, Codable {
    public var functionName: String
    public var runtime: String?
    public var role: String
    public var handler: String?
    public var code: FunctionCode
    public var description: String?
    public var timeout: Int?
    public var memorySize: Int?
    public var environment: Environment?
    public var layers: [String]?

    enum CodingKeys: String, CodingKey {
        case functionName = "FunctionName", runtime = "Runtime", role = "Role", handler = "Handler", code = "Code"
        case description = "Description", timeout = "Timeout", memorySize = "MemorySize", environment = "Environment", layers = "Layers"
    }

    public init(
        functionName: String, runtime: String?, role: String, handler: String?, code: FunctionCode,
        description: String? = nil, timeout: Int? = nil, memorySize: Int? = nil, environment: Environment? = nil, layers: [String]? = nil
    ) {
        self.functionName = functionName
        self.runtime = runtime
        self.role = role
        self.handler = handler
        self.code = code
        self.description = description
        self.timeout = timeout
        self.memorySize = memorySize
        self.environment = environment
        self.layers = layers
    }
}

/// A layer as a function's configuration lists it.
public struct AttachedLayer: Sendable, Codable, Equatable {
    public var arn: String
    public var codeSize: Int
    enum CodingKeys: String, CodingKey { case arn = "Arn", codeSize = "CodeSize" }
}

/// A function's configuration as Lambda returns it.
public struct FunctionConfiguration: Sendable, Codable, Equatable {
    public var functionName: String
    public var functionArn: String
    public var runtime: String?
    public var role: String
    public var handler: String
    public var codeSize: Int
    public var description: String
    public var timeout: Int
    public var memorySize: Int
    public var lastModified: String
    public var codeSha256: String
    public var version: String
    public var environment: Environment?
    public var layers: [AttachedLayer]?
    public var state: String
    public var lastUpdateStatus: String
    public var packageType: String
    public var architectures: [String]

    enum CodingKeys: String, CodingKey {
        case functionName = "FunctionName", functionArn = "FunctionArn", runtime = "Runtime", role = "Role", handler = "Handler"
        case codeSize = "CodeSize", description = "Description", timeout = "Timeout", memorySize = "MemorySize"
        case lastModified = "LastModified", codeSha256 = "CodeSha256", version = "Version", environment = "Environment"
        case layers = "Layers", state = "State", lastUpdateStatus = "LastUpdateStatus", packageType = "PackageType"
        case architectures = "Architectures"
    }
}

/// GetFunctionConfiguration input.
public struct GetFunctionConfigurationInput: Sendable, Codable {
    public var functionName: String
    enum CodingKeys: String, CodingKey { case functionName = "FunctionName" }
    public init(functionName: String) { self.functionName = functionName }
}

/// UpdateFunctionConfiguration input (the members CloudCafe applies).
public struct UpdateFunctionConfigurationInput: Sendable, Codable {
    public var functionName: String
    public var environment: Environment?
    public var timeout: Int?
    public var memorySize: Int?
    public var layers: [String]?
    public var handler: String?
    public var role: String?

    enum CodingKeys: String, CodingKey {
        case functionName = "FunctionName", environment = "Environment", timeout = "Timeout", memorySize = "MemorySize"
        case layers = "Layers", handler = "Handler", role = "Role"
    }

    public init(
        functionName: String, environment: Environment? = nil, timeout: Int? = nil, memorySize: Int? = nil, layers: [String]? = nil, handler: String? = nil,
        role: String? = nil
    ) {
        self.functionName = functionName
        self.environment = environment
        self.timeout = timeout
        self.memorySize = memorySize
        self.layers = layers
        self.handler = handler
        self.role = role
    }
}

/// PublishLayerVersion input.
public struct PublishLayerVersionInput: Sendable, Codable {
    public var layerName: String
    public var description: String?
    public var content: FunctionCode
    public var compatibleRuntimes: [String]?

    enum CodingKeys: String, CodingKey {
        case layerName = "LayerName", description = "Description", content = "Content", compatibleRuntimes = "CompatibleRuntimes"
    }

    public init(layerName: String, description: String?, content: FunctionCode, compatibleRuntimes: [String]?) {
        self.layerName = layerName
        self.description = description
        self.content = content
        self.compatibleRuntimes = compatibleRuntimes
    }
}

/// PublishLayerVersion output.
public struct PublishLayerVersionOutput: Sendable, Codable {
    public var layerArn: String
    public var layerVersionArn: String
    public var description: String
    public var createdDate: String
    public var version: Int
    public var compatibleRuntimes: [String]

    enum CodingKeys: String, CodingKey {
        case layerArn = "LayerArn", layerVersionArn = "LayerVersionArn", description = "Description"
        case createdDate = "CreatedDate", version = "Version", compatibleRuntimes = "CompatibleRuntimes"
    }
}

/// AddPermission input.
public struct AddPermissionInput: Sendable, Codable {
    public var functionName: String
    public var statementId: String
    public var action: String
    public var principal: String
    public var sourceArn: String?
    public var sourceAccount: String?

    enum CodingKeys: String, CodingKey {
        case functionName = "FunctionName", statementId = "StatementId", action = "Action", principal = "Principal"
        case sourceArn = "SourceArn", sourceAccount = "SourceAccount"
    }

    public init(functionName: String, statementId: String, action: String, principal: String, sourceArn: String? = nil, sourceAccount: String? = nil) {
        self.functionName = functionName
        self.statementId = statementId
        self.action = action
        self.principal = principal
        self.sourceArn = sourceArn
        self.sourceAccount = sourceAccount
    }
}

/// AddPermission output: the statement as JSON text.
public struct AddPermissionOutput: Sendable, Codable {
    public var statement: String
    enum CodingKeys: String, CodingKey { case statement = "Statement" }
}

// MARK: - Operations

extension Lambda {
    /// CreateFunction.
    public static let createFunction = Operation<Lambda, CreateFunctionInput, FunctionConfiguration>(
        name: "CreateFunction", action: "lambda:CreateFunction", resource: { i, c in c.arn("lambda", "function:\(i.functionName)").description }
    ) { lambda, input, ctx in
        try await lambda.checkLambdaCanAssume(input.role, ctx)
        return try await lambda.createFunction(input, ctx)
    }

    /// GetFunctionConfiguration.
    public static let getFunctionConfiguration = Operation<Lambda, GetFunctionConfigurationInput, FunctionConfiguration>(
        name: "GetFunctionConfiguration", action: "lambda:GetFunctionConfiguration",
        resource: { i, c in c.arn("lambda", "function:\(functionName(from: i.functionName))").description }
    ) { lambda, input, ctx in try await lambda.configuration(of: lambda.function(input.functionName, ctx)) }

    /// UpdateFunctionConfiguration.
    public static let updateFunctionConfiguration = Operation<Lambda, UpdateFunctionConfigurationInput, FunctionConfiguration>(
        name: "UpdateFunctionConfiguration", action: "lambda:UpdateFunctionConfiguration",
        resource: { i, c in c.arn("lambda", "function:\(functionName(from: i.functionName))").description }
    ) { lambda, input, ctx in
        if let role = input.role { try await lambda.checkLambdaCanAssume(role, ctx) }
        return try await lambda.updateFunctionConfiguration(input, ctx)
    }

    /// PublishLayerVersion.
    public static let publishLayerVersion = Operation<Lambda, PublishLayerVersionInput, PublishLayerVersionOutput>(
        name: "PublishLayerVersion", action: "lambda:PublishLayerVersion", resource: { i, c in c.arn("lambda", "layer:\(i.layerName)").description }
    ) { lambda, input, ctx in try await lambda.publishLayerVersion(input, ctx) }

    /// AddPermission.
    public static let addPermission = Operation<Lambda, AddPermissionInput, AddPermissionOutput>(
        name: "AddPermission", action: "lambda:AddPermission",
        resource: { i, c in c.arn("lambda", "function:\(functionName(from: i.functionName))").description }
    ) { lambda, input, ctx in try await lambda.addPermission(input, ctx) }

    // MARK: - Implementations

    /// Lambda assumes the execution role as `lambda.amazonaws.com`, through IAM like any
    /// caller: the role must exist and its trust policy must allow Lambda.
    func checkLambdaCanAssume(_ role: String, _ ctx: CallContext) async throws {
        guard ARN(role) != nil else { return }
        let lambdaService = dispatcher.client(as: .service("lambda.amazonaws.com"), region: ctx.region)
        do {
            _ = try await lambdaService.send(
                STSOperations.assumeRole, AssumeRoleRequest(roleArn: role, roleSessionName: "awslambda-validation", durationSeconds: 900))
        } catch let e as AWSClientError where ["AccessDenied", "NoSuchEntity"].contains(e.error.errorCode) {
            throw LambdaError.invalid("The role defined for the function cannot be assumed by Lambda.")
        }
    }

    func createFunction(_ input: CreateFunctionInput, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        try Self.validateName(input.functionName)
        let key = Key(region: ctx.region, name: input.functionName)
        guard functions[key] == nil else { throw .functionExists(input.functionName) }
        guard let role = ARN(input.role), role.service == "iam", role.resource.hasPrefix("role/") else {
            throw .validation(
                "1 validation error detected: Value '\(input.role)' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
            )
        }
        guard let handler = input.handler, !handler.isEmpty else {
            throw .invalid("Handler is required for zip-packaged functions.")
        }
        let timeout = input.timeout ?? 3
        try Self.validateTimeout(timeout)
        let memory = input.memorySize ?? 128
        try Self.validateMemory(memory)
        let code = input.code.zipFile ?? Data()
        let layerArns = try resolveLayers(input.layers ?? [], ctx)
        let f = Function(
            name: input.functionName, arn: ctx.arn("lambda", "function:\(input.functionName)"), runtime: input.runtime,
            role: role, handler: handler, description: input.description ?? "", timeout: timeout, memorySize: memory,
            environment: input.environment?.variables ?? [:], layers: layerArns, code: code,
            codeSha256: Data(SHA256.hash(data: code)).base64EncodedString(), lastModified: ctx.now)
        functions[key] = f
        return configuration(of: f)
    }

    func updateFunctionConfiguration(_ input: UpdateFunctionConfigurationInput, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        var f = try function(input.functionName, ctx)
        if let env = input.environment { f.environment = env.variables ?? [:] }
        if let t = input.timeout {
            try Self.validateTimeout(t)
            f.timeout = t
        }
        if let m = input.memorySize {
            try Self.validateMemory(m)
            f.memorySize = m
        }
        if let h = input.handler { f.handler = h }
        if let layers = input.layers { f.layers = try resolveLayers(layers, ctx) }
        if let r = input.role, let role = ARN(r) { f.role = role }
        f.lastModified = ctx.now
        let key = Key(region: ctx.region, name: f.name)
        functions[key] = f
        // A new configuration means new execution environments, as in AWS.
        idleEnvironments[key] = nil
        return configuration(of: f)
    }

    func resolveLayers(_ arns: [String], _ ctx: CallContext) throws(LambdaError) -> [ARN] {
        try arns.map { (text: String) throws(LambdaError) -> ARN in
            guard let arn = ARN(text), arn.service == "lambda", layerVersion(arn) != nil else { throw .layerNotFound(text) }
            return arn
        }
    }

    func layerVersion(_ arn: ARN) -> LayerVersion? {
        let parts = arn.resource.split(separator: ":")
        guard parts.count == 3, parts[0] == "layer", let n = Int(parts[2]) else { return nil }
        return layers[Key(region: arn.region, name: String(parts[1]))]?.first { $0.version == n }
    }

    func publishLayerVersion(_ input: PublishLayerVersionInput, _ ctx: CallContext) throws(LambdaError) -> PublishLayerVersionOutput {
        try Self.validateName(input.layerName)
        let zip = input.content.zipFile ?? Data()
        guard let entries = ZipListing.entryNames(zip) else {
            throw .invalid("Could not unzip uploaded file. Please check your file, then try to upload again.")
        }
        let key = Key(region: ctx.region, name: input.layerName)
        let version = (layers[key]?.last?.version ?? 0) + 1
        let layerArn = ctx.arn("lambda", "layer:\(input.layerName)")
        let lv = LayerVersion(
            arn: ctx.arn("lambda", "layer:\(input.layerName):\(version)"), version: version, description: input.description ?? "",
            compatibleRuntimes: input.compatibleRuntimes ?? [], created: ctx.now, content: zip,
            codeSha256: Data(SHA256.hash(data: zip)).base64EncodedString(), entries: entries)
        layers[key, default: []].append(lv)
        return PublishLayerVersionOutput(
            layerArn: layerArn.description, layerVersionArn: lv.arn.description, description: lv.description,
            createdDate: Self.timestamp(ctx.now), version: version, compatibleRuntimes: lv.compatibleRuntimes)
    }

    func addPermission(_ input: AddPermissionInput, _ ctx: CallContext) throws(LambdaError) -> AddPermissionOutput {
        var f = try function(input.functionName, ctx)
        guard !f.policy.statements.contains(where: { $0.sid == input.statementId }) else { throw .statementExists(input.statementId) }
        let statement = ResourcePolicy.Statement(
            sid: input.statementId, principal: input.principal, action: input.action, resource: f.arn.description,
            sourceArn: input.sourceArn, sourceAccount: input.sourceAccount)
        f.policy.statements.append(statement)
        f.policy.revisionID = dispatcher.ids.uuid()
        functions[Key(region: ctx.region, name: f.name)] = f
        return AddPermissionOutput(statement: Self.statementJSON(statement).compact)
    }

    /// A statement as Lambda's GetPolicy writes it.
    static func statementJSON(_ s: ResourcePolicy.Statement) -> JSONValue {
        let principal: JSONValue =
            s.principal.hasSuffix(".amazonaws.com") ? .object([("Service", .string(s.principal))]) : .object([("AWS", .string(s.principal))])
        var members: [(String, JSONValue)] = [
            ("Sid", .string(s.sid)), ("Effect", .string("Allow")), ("Principal", principal),
            ("Action", .string(s.action)), ("Resource", .string(s.resource)),
        ]
        var conditions: [(String, JSONValue)] = []
        if let account = s.sourceAccount { conditions.append(("StringEquals", .object([("AWS:SourceAccount", .string(account))]))) }
        if let arn = s.sourceArn { conditions.append(("ArnLike", .object([("AWS:SourceArn", .string(arn))]))) }
        if !conditions.isEmpty { members.append(("Condition", .object(conditions))) }
        return .object(members)
    }

    func configuration(of f: Function) -> FunctionConfiguration {
        FunctionConfiguration(
            functionName: f.name, functionArn: f.arn.description, runtime: f.runtime, role: f.role.description, handler: f.handler,
            codeSize: f.codeSize, description: f.description, timeout: f.timeout, memorySize: f.memorySize,
            lastModified: Self.timestamp(f.lastModified), codeSha256: f.codeSha256, version: "$LATEST",
            environment: f.environment.isEmpty ? nil : Environment(variables: f.environment),
            layers: f.layers.isEmpty ? nil : f.layers.map { AttachedLayer(arn: $0.description, codeSize: layerVersion($0)?.codeSize ?? 0) },
            state: "Active", lastUpdateStatus: "Successful", packageType: "Zip", architectures: ["x86_64"])
    }

    /// Lambda's timestamp format: `2026-11-27T19:59:00.000+0000`.
    static func timestamp(_ date: Date) -> String {
        let c = CivilTime(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond)
    }

    static func validateTimeout(_ timeout: Int) throws(LambdaError) {
        guard timeout >= 1 else {
            throw .validation(
                "1 validation error detected: Value '\(timeout)' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")
        }
        guard timeout <= 900 else {
            throw .validation(
                "1 validation error detected: Value '\(timeout)' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")
        }
    }

    static func validateMemory(_ memory: Int) throws(LambdaError) {
        guard memory >= 128 else {
            throw .validation(
                "1 validation error detected: Value '\(memory)' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"
            )
        }
        guard memory <= 10_240 else {
            throw .validation(
                "1 validation error detected: Value '\(memory)' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240"
            )
        }
    }

    static func validateName(_ name: String) throws(LambdaError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        guard (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .validation(
                "1 validation error detected: Value '\(name)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
            )
        }
    }
}

extension LambdaError {
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
