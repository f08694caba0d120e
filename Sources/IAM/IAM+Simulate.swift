public import CloudCafeCore
import Foundation

// MARK: - Shapes (botocore iam 2010-05-08)

/// A context key supplied to a simulation.
public struct ContextEntry: Sendable, Codable {
    public var contextKeyName: String
    public var contextKeyValues: [String]
    public var contextKeyType: String?
    enum CodingKeys: String, CodingKey { case contextKeyName = "ContextKeyName", contextKeyValues = "ContextKeyValues", contextKeyType = "ContextKeyType" }
}

/// SimulatePrincipalPolicy / SimulateCustomPolicy input.
public struct SimulatePolicyInput: Sendable, Codable {
    public var policySourceArn: String?
    public var policyInputList: [String]?
    public var actionNames: [String]
    public var resourceArns: [String]?
    public var resourcePolicy: String?
    public var callerArn: String?
    public var contextEntries: [ContextEntry]?
    enum CodingKeys: String, CodingKey {
        case policySourceArn = "PolicySourceArn", policyInputList = "PolicyInputList", actionNames = "ActionNames", resourceArns = "ResourceArns"
        case resourcePolicy = "ResourcePolicy", callerArn = "CallerArn", contextEntries = "ContextEntries"
    }
}

/// A statement that decided a simulated call.
public struct SimulatedStatement: Sendable, Codable {
    public var sourcePolicyId: String
    public var sourcePolicyType: String
    enum CodingKeys: String, CodingKey { case sourcePolicyId = "SourcePolicyId", sourcePolicyType = "SourcePolicyType" }
}

/// One simulated action on one resource.
public struct EvaluationResult: Sendable, Codable {
    public var evalActionName: String
    public var evalResourceName: String
    public var evalDecision: String
    public var matchedStatements: [SimulatedStatement]
    public var missingContextValues: [String]
    enum CodingKeys: String, CodingKey {
        case evalActionName = "EvalActionName", evalResourceName = "EvalResourceName", evalDecision = "EvalDecision"
        case matchedStatements = "MatchedStatements", missingContextValues = "MissingContextValues"
    }
}

/// Simulate* output.
public struct SimulatePolicyOutput: Sendable, Codable {
    public var evaluationResults: [EvaluationResult]
    public var isTruncated: Bool
    enum CodingKeys: String, CodingKey { case evaluationResults = "EvaluationResults", isTruncated = "IsTruncated" }
}

extension IAM {
    /// SimulatePrincipalPolicy: the principal's own policies (plus any given), through the same evaluator as every call.
    public static let simulatePrincipalPolicy = Operation<IAM, SimulatePolicyInput, SimulatePolicyOutput>(
        name: "SimulatePrincipalPolicy", action: "iam:SimulatePrincipalPolicy", resource: { i, _ in i.policySourceArn }
    ) { iam, input, ctx in try await iam.simulate(input, principalPolicies: true, ctx) }

    /// SimulateCustomPolicy: only the given policies.
    public static let simulateCustomPolicy = Operation<IAM, SimulatePolicyInput, SimulatePolicyOutput>(
        name: "SimulateCustomPolicy", action: "iam:SimulateCustomPolicy"
    ) { iam, input, ctx in try await iam.simulate(input, principalPolicies: false, ctx) }

    func simulate(_ input: SimulatePolicyInput, principalPolicies: Bool, _ ctx: CallContext) throws(IAMError) -> SimulatePolicyOutput {
        var principal: Principal = .user(ctx.arn("iam", "user/SimulatedUser", region: ""))
        var policies: [NamedPolicy] = []
        if principalPolicies {
            guard let text = input.policySourceArn, let arn = ARN(text), arn.service == "iam" else {
                throw .init(code: .invalidInput, message: "Invalid ARN: \(input.policySourceArn ?? "")")
            }
            if arn.resource.hasPrefix("user/") {
                _ = try user(arn.lastComponent)
                principal = .user(arn)
            } else if arn.resource.hasPrefix("role/") {
                _ = try role(arn.lastComponent)
                principal = .assumedRole(role: arn, session: "SimulatedSession")
            } else {
                throw .init(code: .invalidInput, message: "Invalid ARN: \(text)")
            }
            policies = identityPolicies(for: principal)
        } else if let caller = input.callerArn.flatMap(ARN.init) {
            principal = .user(caller)
        }
        for (i, text) in (input.policyInputList ?? []).enumerated() {
            do {
                policies.append(NamedPolicy(name: "PolicyInputList.\(i + 1)", document: try PolicyDocument(parsing: text, kind: .identity)))
            } catch {
                throw .malformed(error.message)
            }
        }
        var resourcePolicy: NamedPolicy?
        if let text = input.resourcePolicy {
            do {
                resourcePolicy = NamedPolicy(name: "ResourcePolicy", document: try PolicyDocument(parsing: text, kind: .resource))
            } catch {
                throw .malformed(error.message)
            }
        }
        var keys = IAMAuthorizer.contextKeys(
            CallContext(caller: principal, account: ctx.account, region: ctx.region, requestID: ctx.requestID, sourceArn: nil, now: ctx.now))
        for entry in input.contextEntries ?? [] { keys[entry.contextKeyName.lowercased()] = entry.contextKeyValues }
        var results: [EvaluationResult] = []
        for action in input.actionNames {
            for resource in input.resourceArns ?? ["*"] {
                let request = EvaluationRequest(principal: principal, action: action, resource: resource, multiValuedKeys: keys)
                let (boundary, session) = principalPolicies ? limits(for: principal) : (nil, [])
                let e = PolicyEvaluator.evaluate(identity: policies, resource: resourcePolicy, request: request, boundary: boundary, sessionPolicies: session)
                let missing = Set(
                    (policies + [resourcePolicy].compactMap { $0 }).flatMap { p in
                        p.document.statements.filter { PolicyEvaluator.applies(ignoringConditions: $0, version: p.document.version, request: request) }
                            .flatMap(\.conditions).map(\.key).filter { keys[$0.lowercased()] == nil }
                    })
                results.append(
                    EvaluationResult(
                        evalActionName: action, evalResourceName: resource, evalDecision: e.decision.rawValue,
                        matchedStatements: e.matched.map {
                            SimulatedStatement(sourcePolicyId: $0.policy, sourcePolicyType: $0.policy == "ResourcePolicy" ? "resource" : "IAM Policy")
                        },
                        missingContextValues: missing.sorted()))
            }
        }
        return SimulatePolicyOutput(evaluationResults: results, isTruncated: false)
    }
}
