import CloudCafeCore
import Foundation
import IAMAPI

/// What SimulatePrincipalPolicy and SimulateCustomPolicy share.
struct Simulation {
    var policyInputList: [String]
    var boundaryInputList: [String]
    var actionNames: [String]
    var resourceArns: [String]?
    var resourcePolicy: String?
    var callerArn: String?
    var contextEntries: [ContextEntry]?

    init(_ i: SimulatePrincipalPolicyRequest) {
        self.init(
            policyInputList: i.policyInputList ?? [], boundaryInputList: i.permissionsBoundaryPolicyInputList ?? [], actionNames: i.actionNames,
            resourceArns: i.resourceArns, resourcePolicy: i.resourcePolicy,
            callerArn: i.callerArn, contextEntries: i.contextEntries)
    }

    init(_ i: SimulateCustomPolicyRequest) {
        self.init(
            policyInputList: i.policyInputList, boundaryInputList: i.permissionsBoundaryPolicyInputList ?? [], actionNames: i.actionNames,
            resourceArns: i.resourceArns, resourcePolicy: i.resourcePolicy,
            callerArn: i.callerArn, contextEntries: i.contextEntries)
    }

    init(
        policyInputList: [String], boundaryInputList: [String] = [], actionNames: [String], resourceArns: [String]?, resourcePolicy: String?,
        callerArn: String?, contextEntries: [ContextEntry]?
    ) {
        self.policyInputList = policyInputList
        self.boundaryInputList = boundaryInputList
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
        }
        let (ownBoundary, session) = principalPolicies ? limits(for: principal) : (nil, [])
        // The caller the resource policy sees: CallerArn, unless the source is itself a user.
        if let caller = input.callerArn {
            let sourceIsUser: Bool = { if case .user = principal, principalPolicies { return true } else { return false } }()
            if !sourceIsUser { principal = try Self.callerPrincipal(caller) }
        }
        func parse(_ text: String, _ name: String) throws(IAMError) -> NamedPolicy {
            do {
                return NamedPolicy(name: name, document: try PolicyDocument.checkPermissions(text))
            } catch {
                throw .malformed(error.message)
            }
        }
        for (i, text) in input.policyInputList.enumerated() {
            policies.append(try parse(text, "PolicyInputList.\(i + 1)"))
        }
        // Boundaries given replace the principal's own; several act as one policy.
        var givenBoundary: NamedPolicy?
        for (i, text) in input.boundaryInputList.enumerated() {
            let next = try parse(text, "PermissionsBoundaryPolicyInputList.\(i + 1)")
            givenBoundary =
                givenBoundary.map { b in
                    NamedPolicy(
                        name: b.name, document: PolicyDocument(version: b.document.version, statements: b.document.statements + next.document.statements))
                } ?? next
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
                let e = PolicyEvaluator.evaluate(
                    identity: policies, resource: resourcePolicy, request: request, boundary: givenBoundary ?? ownBoundary, sessionPolicies: session)
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

    /// The caller a simulation acts as: an IAM user as AWS accepts, and (a CloudCafe extension,
    /// so a lab's roles can be simulated) a role or an assumed-role session.
    static func callerPrincipal(_ text: String) throws(IAMError) -> Principal {
        guard let arn = ARN(text), !arn.account.isEmpty else { throw .init(code: .invalidInput, message: "Invalid ARN: \(text)") }
        switch (arn.service, arn.resource.split(separator: "/", omittingEmptySubsequences: false).first) {
        case ("iam", "user"?): return .user(arn)
        case ("iam", "role"?): return .assumedRole(role: arn, session: "SimulatedSession")
        case ("sts", "assumed-role"?):
            let parts = arn.resource.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, let role = ARN("arn:\(arn.partition):iam::\(arn.account):role/\(parts[1])") else { break }
            return .assumedRole(role: role, session: String(parts[2]))
        default: break
        }
        throw .init(code: .invalidInput, message: "Invalid ARN: \(text)")
    }
}
