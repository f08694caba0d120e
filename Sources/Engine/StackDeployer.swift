import CloudCafeCore
import EventBridgeAPI
import Foundation
import IAMAPI
import LambdaAPI
import SNS
import SNSAPI
import SSMAPI

/// Applies a stack file through the same operations a client would call, in dependency
/// order: roles, parameters, topics, layers, functions, rules, permissions.
struct StackDeployer {
    let client: AWSClient
    let outbox: MaildirOutbox
    let adminEmail: String

    func deploy(_ stack: StackFile) async throws {
        var refs: [String: String] = [
            "AdminEmail": adminEmail, "Account": client.dispatcher.account, "Region": client.region,
        ]
        var roleArns: [String: String] = [:]
        var layerArns: [String: String] = [:]
        for role in stack.Roles ?? [] {
            let out = try await client.send(
                IAMOperations.createRole, CreateRoleRequest(roleName: role.RoleName, assumeRolePolicyDocument: role.AssumeRolePolicyDocument.text))
            roleArns[role.RoleName] = out.role.arn
            for arn in role.ManagedPolicyArns ?? [] {
                _ = try await client.send(IAMOperations.attachRolePolicy, AttachRolePolicyRequest(roleName: role.RoleName, policyArn: arn))
            }
            for policy in role.Policies ?? [] {
                _ = try await client.send(
                    IAMOperations.putRolePolicy, PutRolePolicyRequest(roleName: role.RoleName, policyName: policy.PolicyName, policyDocument: policy.PolicyDocument.text))
            }
        }
        for p in stack.Parameters ?? [] {
            guard ["String", "StringList", "SecureString"].contains(p.Type) else { throw EngineError.deployment("parameter \(p.Name) has type \(p.Type)") }
            _ = try await client.send(
                SSMOperations.putParameter,
                PutParameterRequest(name: p.Name, description: p.Description, value: resolve(p.Value, refs), type: p.Type, overwrite: true))
        }
        for topic in stack.Topics ?? [] {
            let out = try await client.send(SNSOperations.createTopic, CreateTopicInput(name: topic.Name, attributes: topic.Attributes))
            guard let topicArn = out.topicArn else { throw EngineError.deployment("topic \(topic.Name) has no ARN") }
            refs["Topic:\(topic.Name)"] = topicArn
            for sub in topic.Subscriptions ?? [] {
                let endpoint = resolve(sub.Endpoint, refs)
                _ = try await client.send(SNSOperations.subscribe, SubscribeInput(topicArn: topicArn, protocol: sub.Protocol, endpoint: endpoint))
                if sub.Confirm == true { try await confirm(topicArn: topicArn, endpoint: endpoint) }
            }
        }
        for layer in stack.Layers ?? [] {
            let zip = try Data(contentsOf: stack.baseDirectory.appendingPathComponent(layer.ZipFile))
            let out = try await client.send(
                LambdaOperations.publishLayerVersion,
                PublishLayerVersionRequest(
                    layerName: layer.LayerName, description: layer.Description, content: LayerVersionContentInput(zipFile: zip),
                    compatibleRuntimes: layer.CompatibleRuntimes))
            guard let layerArn = out.layerVersionArn else { throw EngineError.deployment("layer \(layer.LayerName) has no ARN") }
            layerArns[layer.LayerName] = layerArn
        }
        for rule in stack.Rules ?? [] {
            refs["Rule:\(rule.Name)"] = arn("events", "rule/\(rule.Name)")
        }
        for f in stack.Functions ?? [] {
            guard let role = roleArns[f.Role] ?? (f.Role.hasPrefix("arn:") ? f.Role : nil) else {
                throw EngineError.deployment("function \(f.FunctionName) names role \(f.Role), which the stack does not create")
            }
            let layers = try (f.Layers ?? []).map { name in
                guard let arn = layerArns[name] ?? (name.hasPrefix("arn:") ? name : nil) else {
                    throw EngineError.deployment("function \(f.FunctionName) names layer \(name), which the stack does not publish")
                }
                return arn
            }
            let variables = f.Environment?["Variables"]?.mapValues { resolve($0, refs) }
            _ = try await client.send(
                LambdaOperations.createFunction,
                CreateFunctionRequest(
                    functionName: f.FunctionName, runtime: f.Runtime, role: role, handler: f.Handler,
                    code: FunctionCode(zipFile: try Data(contentsOf: stack.baseDirectory.appendingPathComponent(f.ZipFile))),
                    timeout: f.Timeout, memorySize: f.MemorySize, environment: variables.map { Environment(variables: $0) }, layers: layers))
        }
        for rule in stack.Rules ?? [] {
            _ = try await client.send(
                EventBridgeOperations.putRule,
                PutRuleRequest(name: rule.Name, scheduleExpression: rule.ScheduleExpression, state: rule.State, description: rule.Description))
            let targets = try rule.Targets.map { t in
                if let fn = t.Function {
                    return Target(id: t.Id, arn: arn("lambda", "function:\(fn)"), input: t.Input)
                }
                if let topic = t.Topic, let arn = refs["Topic:\(topic)"] { return Target(id: t.Id, arn: arn, input: t.Input) }
                throw EngineError.deployment("rule \(rule.Name) has a target with neither Function nor a known Topic")
            }
            _ = try await client.send(EventBridgeOperations.putTargets, PutTargetsRequest(rule: rule.Name, targets: targets))
        }
        for p in stack.Permissions ?? [] {
            _ = try await client.send(
                LambdaOperations.addPermission,
                AddPermissionRequest(
                    functionName: p.FunctionName, statementId: p.StatementId, action: p.Action, principal: p.Principal,
                    sourceArn: p.SourceArn.map { resolve($0, refs) }))
        }
    }

    /// Confirms a new email subscription the way its recipient does: with the token in the
    /// link of the confirmation email just delivered.
    func confirm(topicArn: String, endpoint: String) async throws {
        let confirmation = outbox.list().last { $0.to == endpoint && $0.subject == "AWS Notification - Subscription Confirmation" }
        guard let entry = confirmation, let text = outbox.read(entry.file), let token = Self.token(inConfirmationEmail: text) else {
            throw EngineError.deployment("no confirmation email reached \(endpoint)")
        }
        _ = try await client.send(SNSOperations.confirmSubscription, ConfirmSubscriptionInput(topicArn: topicArn, token: token))
    }

    /// The `Token` of the confirmation link in an email's (base64) body.
    // Read as bytes: Character-wise search and filtering was over a million instructions of start-up.
    static func token(inConfirmationEmail text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let split = bytes.firstRange(of: Array("\n\n".utf8)) else { return nil }
        let encoded = bytes[split.upperBound...].filter { !Self.isSpace($0) }
        // Data from the bytes' buffer: `Data(encoded)` casts the sequence to find its storage,
        // a first-use conformance scan (half a million instructions) on start-up's path.
        guard let body = encoded.withUnsafeBytes({ Data(base64Encoded: Data($0)) }).map(Array.init), let start = body.firstRange(of: Array("&Token=".utf8))
        else { return nil }
        return String(decoding: body[start.upperBound...].prefix { $0 != UInt8(ascii: "&") && !Self.isSpace($0) }, as: UTF8.self)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    /// An ARN in the deployment's region and account.
    func arn(_ service: String, _ resource: String) -> String {
        ARN(service: service, region: client.region, account: client.dispatcher.account, resource: resource).description
    }

    func resolve(_ text: String, _ refs: [String: String]) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        var result = text
        for (key, value) in refs { result = result.replacingOccurrences(of: "${\(key)}", with: value) }
        return result
    }
}
