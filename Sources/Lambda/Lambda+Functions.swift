import CloudCafeCore
import Crypto
import Foundation
import LambdaAPI
import STSAPI

// Creating and configuring functions and layers; resource policies.
extension Lambda {
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

    func createFunction(_ input: CreateFunctionRequest, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        // The model allows an ARN in place of the name; the name inside is what must be short.
        let name = Self.functionName(from: input.functionName)
        guard name.count <= 64 else { throw .validation(ConstraintViolation.message([.maxLength("functionName", "'\(name)'", 64)])) }
        let key = Key(region: ctx.region, name: name)
        guard functions[key] == nil else { throw .functionExists(name) }
        guard let role = ARN(input.role), role.service == "iam", role.resource.hasPrefix("role/") else {
            throw .validation(
                ConstraintViolation.message([.pattern("role", "'\(input.role)'", #"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"#)]))
        }
        if input.packageType == "Image" || input.code.imageUri != nil {
            throw .invalid(
                "CloudCafe runs zip packages only: a container image needs Docker, which CloudCafe does not use. Package the function as a zip (PackageType Zip) with a python3.x or provided.al2023 runtime."
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
        try Self.checkTagCount(input.tags ?? [:])
        var f = Function(
            name: name, arn: ctx.arn("lambda", "function:\(name)"), runtime: input.runtime,
            role: role, handler: handler, description: input.description ?? "", timeout: timeout, memorySize: memory,
            environment: try Self.checkEnvironment(input.environment?.variables ?? [:]), layers: layerArns, code: code,
            codeSha256: Data(SHA256.hash(data: code)).base64EncodedString(), lastModified: ctx.now)
        f.tags = input.tags ?? [:]
        f.revisionID = dispatcher.ids.uuid()
        f.deadLetterTarget = try Self.deadLetterTarget(input.deadLetterConfig)
        functions[key] = f
        if input.publish == true { return try publishVersion(PublishVersionRequest(functionName: name), ctx) }
        return configuration(of: f)
    }

    func updateFunctionConfiguration(_ input: UpdateFunctionConfigurationRequest, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        var f = try function(input.functionName, ctx)
        try Self.checkRevision(input.revisionId, f.revisionID)
        if let dlq = input.deadLetterConfig { f.deadLetterTarget = try Self.deadLetterTarget(dlq) }
        if let env = input.environment { f.environment = try Self.checkEnvironment(env.variables ?? [:]) }
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
        f.revisionID = dispatcher.ids.uuid()
        functions[Key(region: ctx.region, name: f.name)] = f
        return configuration(of: f)
    }

    func resolveLayers(_ arns: [String], _ ctx: CallContext) throws(LambdaError) -> [ARN] {
        try arns.map { (text: String) throws(LambdaError) -> ARN in
            guard let arn = ARN(text), arn.service == "lambda", let version = layerVersion(arn) else { throw .layerNotFound(text) }
            // Extensions run beside the function through the Extensions API, which CloudCafe lacks.
            if let ext = version.entries.first(where: { $0.hasPrefix("extensions/") && !$0.hasSuffix("/") }) {
                throw .invalid(
                    "Layer \(text) holds a Lambda extension (\(ext)): CloudCafe has no Extensions API, so it cannot run extensions. Remove the layer or publish a version without its extensions/ folder."
                )
            }
            return arn
        }
    }

    func layerVersion(_ arn: ARN) -> LayerVersion? {
        let parts = arn.resource.pieces(":")
        guard parts.count == 3, parts[0] == "layer", let n = Int(parts[2]) else { return nil }
        return layers[Key(region: arn.region, name: String(parts[1]))]?.first { $0.version == n }
    }

    func publishLayerVersion(_ input: PublishLayerVersionRequest, _ ctx: CallContext) throws(LambdaError) -> PublishLayerVersionResponse {
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
        return PublishLayerVersionResponse(
            content: LayerVersionContentOutput(codeSha256: lv.codeSha256, codeSize: lv.codeSize), layerArn: layerArn.description,
            layerVersionArn: lv.arn.description, description: lv.description,
            createdDate: Self.timestamp(ctx.now), version: version, compatibleRuntimes: lv.compatibleRuntimes)
    }

    func addPermission(_ input: AddPermissionRequest, _ ctx: CallContext) throws(LambdaError) -> AddPermissionResponse {
        var (f, qualifier) = try qualified(input.functionName, input.qualifier, ctx)
        var policy = f.policy(qualifier)
        try Self.checkRevision(input.revisionId, policy.revisionID.isEmpty ? f.revisionID : policy.revisionID)
        guard !policy.statements.contains(where: { $0.sid == input.statementId }) else { throw .statementExists(input.statementId) }
        let statement = ResourcePolicy.Statement(
            sid: input.statementId, principal: input.principal, action: input.action, resource: Self.arn(f, qualifier: qualifier),
            sourceArn: input.sourceArn, sourceAccount: input.sourceAccount)
        policy.statements.append(statement)
        policy.revisionID = dispatcher.ids.uuid()
        f.setPolicy(policy, qualifier)
        store(f)
        return AddPermissionResponse(statement: Self.statementJSON(statement).compact)
    }

    /// A dead-letter queue or topic: an SQS queue or SNS topic ARN.
    static func deadLetterTarget(_ config: DeadLetterConfig?) throws(LambdaError) -> String? {
        guard let text = config?.targetArn, !text.isEmpty else { return nil }
        guard let arn = ARN(text), ["sqs", "sns"].contains(arn.service) else {
            throw .invalid("The provided target arn \(text) is invalid. Only SQS queues and SNS topics are supported as dead letter targets.")
        }
        return text
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
            functionName: f.name, functionArn: f.qualifiedArn, runtime: f.runtime, role: f.role.description, handler: f.handler,
            codeSize: f.codeSize, description: f.description, timeout: f.timeout, memorySize: f.memorySize,
            lastModified: Self.timestamp(f.lastModified), codeSha256: f.codeSha256, version: f.version,
            deadLetterConfig: f.deadLetterTarget.map { DeadLetterConfig(targetArn: $0) },
            environment: f.environment.isEmpty ? nil : EnvironmentResponse(variables: f.environment), revisionId: f.revisionID,
            layers: f.layers.isEmpty ? nil : f.layers.map { Layer(arn: $0.description, codeSize: layerVersion($0)?.codeSize ?? 0) },
            state: "Active", lastUpdateStatus: "Successful", packageType: "Zip", architectures: ["x86_64"])
    }

    /// Lambda's timestamp format: `2026-11-27T19:59:00.000+0000`.
    static func timestamp(_ date: Date) -> String {
        let c = CivilTime(date)
        return c.isoDateTime + "." + Digits.padded(c.millisecond, 3) + "+0000"
    }

    /// A function's environment variables take at most 4 KB, measured as Lambda measures them.
    static func checkEnvironment(_ variables: [String: String]) throws(LambdaError) -> [String: String] {
        let measured = JSONValue.object(variables.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).compact
        guard measured.utf8.count <= 4096 else {
            throw .invalid(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: \(measured)"
            )
        }
        return variables
    }

    /// The model bounds the minimums only; AWS caps a function at 900 seconds and 10,240 MB.
    static func validateTimeout(_ timeout: Int) throws(LambdaError) {
        guard timeout <= 900 else { throw .validation(ConstraintViolation.message([.maxValue("timeout", "'\(timeout)'", "900")])) }
    }

    static func validateMemory(_ memory: Int) throws(LambdaError) {
        guard memory <= 10_240 else { throw .validation(ConstraintViolation.message([.maxValue("memorySize", "'\(memory)'", "10240")])) }
    }
}

extension LambdaError {
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}
