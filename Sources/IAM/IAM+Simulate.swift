import CloudCafeCore
import Foundation
import IAMAPI

/// What SimulatePrincipalPolicy and SimulateCustomPolicy share.
struct Simulation {
    var policyInputList: [String]
    var actionNames: [String]
    var resourceArns: [String]?
    var resourcePolicy: String?
    var callerArn: String?
    var contextEntries: [ContextEntry]?

    init(_ i: SimulatePrincipalPolicyRequest) {
        self.init(
            policyInputList: i.policyInputList ?? [], actionNames: i.actionNames, resourceArns: i.resourceArns, resourcePolicy: i.resourcePolicy,
            callerArn: i.callerArn, contextEntries: i.contextEntries)
    }

    init(_ i: SimulateCustomPolicyRequest) {
        self.init(
            policyInputList: i.policyInputList, actionNames: i.actionNames, resourceArns: i.resourceArns, resourcePolicy: i.resourcePolicy,
            callerArn: i.callerArn, contextEntries: i.contextEntries)
    }

    init(policyInputList: [String], actionNames: [String], resourceArns: [String]?, resourcePolicy: String?, callerArn: String?, contextEntries: [ContextEntry]?) {
        self.policyInputList = policyInputList
        self.actionNames = actionNames
        self.resourceArns = resourceArns
        self.resourcePolicy = resourcePolicy
        self.callerArn = callerArn
        self.contextEntries = contextEntries
    }
}

extension IAM {
    /// Evaluates the simulation's actions on its resources through the same evaluator as every
    /// call: with `principal` (SimulatePrincipalPolicy), that principal's own policies plus any given; without, only the given ones.
    func simulate(_ input: Simulation, principal source: String?, _ ctx: CallContext) throws(IAMError) -> SimulatePolicyResponse {
        let principalPolicies = source != nil
        var principal: Principal = .user(ctx.arn("iam", "user/SimulatedUser", region: ""))
        var policies: [NamedPolicy] = []
        if principalPolicies {
            guard let text = source, let arn = ARN(text), arn.service == "iam" else {
                throw .init(code: .invalidInput, message: "Invalid ARN: \(source ?? "")")
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
        for (i, text) in input.policyInputList.enumerated() {
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
        for entry in input.contextEntries ?? [] {
            guard let name = entry.contextKeyName else { continue }
            keys[name.lowercased()] = entry.contextKeyValues ?? []
        }
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
                            Statement(sourcePolicyId: $0.policy, sourcePolicyType: $0.policy == "ResourcePolicy" ? "resource" : "IAM Policy")
                        },
                        missingContextValues: missing.sorted()))
            }
        }
        return SimulatePolicyResponse(evaluationResults: results, isTruncated: false)
    }
}
