public import CloudCafeCore
public import Foundation
import Logging
import Synchronization

/// The IAM module's answer to every call: gathers the caller's identity-based policies and
/// the resource's own policy, evaluates them (PolicyEvaluator), and turns a denial into the
/// service's AWS error with AWS's wording.
public final class IAMAuthorizer: Authorizer {
    /// `serve --iam`: enforce (default), audit (allow, but log each would-be denial), off.
    public enum Mode: String, Sendable, CaseIterable { case enforce, audit, off }

    /// One decision, for `cloudcafe iam explain`.
    public struct Record: Sendable {
        public let time: Date
        /// Who called; its ARN is spelled only when a decision is read.
        public let caller: Principal
        public var principal: String { caller.arn }
        public let action: String
        public let resource: String
        public let evaluation: Evaluation
    }

    let iam: IAM
    public let mode: Mode
    private let recent = Mutex<[Record]>([])
    private let logger = Logger(label: "cloudcafe.iam")

    public init(iam: IAM, mode: Mode) {
        self.iam = iam
        self.mode = mode
    }

    /// The last decisions, newest last.
    public var decisions: [Record] { recent.withLock { Array($0.suffix(Self.kept)) } }

    /// Puts back decisions kept earlier (a snapshot loaded).
    public func restoreDecisions(_ records: [Record]) {
        recent.withLock { $0 = records }
    }

    /// Forgets the decisions made so far (reset).
    public func clearDecisions() {
        recent.withLock { $0 = [] }
    }

    public func authorize(_ request: AuthorizationRequest) async throws {
        if let denial = await evaluate(request).denial { throw denial }
    }

    /// Decides every resource of the call; the first denial decides it (in audit mode, it is
    /// logged and the call goes on). The statement that decided is kept for the timeline.
    public func evaluate(_ request: AuthorizationRequest) async -> AuthorizationOutcome {
        guard mode != .off else { return AuthorizationOutcome(decision: "unchecked", statement: nil, denial: nil) }
        let ctx = request.context
        // The account's root has no identity policies: no visit to the IAM actor, which every
        // call's authorization would otherwise queue on.
        let gathered: GatheredPolicies
        if case .root = ctx.caller { gathered = GatheredPolicies(identity: [], boundary: nil, session: []) } else { gathered = await iam.policies(for: ctx.caller) }
        let (identity, boundary, sessionPolicies) = (gathered.identity, gathered.boundary, gathered.session)
        let resourcePolicy = request.resourcePolicy.flatMap(resourceDocument).map { NamedPolicy(name: "resource-based policy", document: $0) }
        var statement: String?
        for resource in request.resources {
            let evaluation = PolicyEvaluator.evaluate(
                identity: identity, resource: resourcePolicy,
                request: EvaluationRequest(principal: ctx.caller, action: request.action, resource: resource) { Self.contextKey($0, ctx) },
                resourceMustAllow: request.action == "sts:AssumeRole", boundary: boundary, sessionPolicies: sessionPolicies)
            remember(Record(time: ctx.now, caller: ctx.caller, action: request.action, resource: resource, evaluation: evaluation))
            let deciding = evaluation.matched.first { $0.effect == (evaluation.allowed ? .allow : .deny) }
            if statement == nil { statement = deciding.map { "\($0.policy)/\($0.sid ?? "-")" } }
            guard !evaluation.allowed else { continue }
            let error = Self.denial(principal: ctx.caller, action: request.action, resource: resource, evaluation: evaluation, style: request.accessDenied)
            logger.notice(
                "\(mode == .enforce ? "denied" : "would deny (audit)")",
                metadata: [
                    "aws.caller": "\(ctx.caller.arn)", "aws.action": "\(request.action)", "aws.resource": "\(resource)",
                    "iam.decision": "\(evaluation.decision.rawValue)",
                    "iam.matched": "\(evaluation.matched.map { "\($0.policy)/\($0.sid ?? "-")/\($0.effect.rawValue)" }.joined(separator: ","))",
                ])
            if mode == .enforce {
                return AuthorizationOutcome(decision: evaluation.decision.rawValue, statement: deciding.map { "\($0.policy)/\($0.sid ?? "-")" }, denial: error)
            }
        }
        return AuthorizationOutcome(decision: "allowed", statement: statement, denial: nil)
    }

    private func remember(_ r: Record) {
        recent.withLock { list in
            // Trimmed in steps, not one element per call: the list is read rarely, written on every call.
            if list.count >= 2 * Self.kept { list.removeFirst(list.count - Self.kept) }
            list.append(r)
        }
    }

    /// How many decisions `decisions` returns.
    static let kept = 200

    /// Resource policies arrive as text with each call; each distinct text is parsed once.
    private let resourceDocuments = Mutex<[String: PolicyDocument]>([:])

    private func resourceDocument(_ text: String) -> PolicyDocument? {
        if let doc = resourceDocuments.withLock({ $0[text] }) { return doc }
        guard let doc = try? PolicyDocument(parsing: text, kind: .resource) else { return nil }
        resourceDocuments.withLock { cache in
            if cache.count >= IAM.parsedDocumentLimit { cache.removeAll(keepingCapacity: true) }
            cache[text] = doc
        }
        return doc
    }

    /// Why a decision was made, in one sentence.
    public static func explain(_ r: Record) -> String {
        let e = r.evaluation
        let statements = { (effect: PolicyDocument.Statement.Effect) in
            e.matched.filter { $0.effect == effect }.map { "\($0.policy)\($0.sid.map { " (Sid \($0))" } ?? "")" }.joined(separator: ", ")
        }
        switch e.decision {
        case .allowed:
            if e.matched.isEmpty { return "Allowed: the account's root user is not restricted by identity-based policies." }
            return "Allowed by \(statements(.allow))."
        case .explicitDeny:
            return "Explicitly denied by \(statements(.deny)); an explicit deny overrides every allow."
        case .implicitDeny:
            if r.principal.hasSuffix(".amazonaws.com") {
                return
                    "Implicitly denied: no statement of the resource's policy allows \(r.principal) to \(r.action) (check its Principal and its aws:SourceArn condition)."
            }
            return e.matched.isEmpty
                ? "Implicitly denied: no identity-based policy of \(r.principal) allows \(r.action) on \(r.resource)."
                : "Implicitly denied: matching statements (\(statements(.allow))) do not suffice; a role's trust policy must allow the caller."
        }
    }

    /// Context keys derived from the call (aws:…), lower-cased.
    /// The global context keys AWS sets on a call, as a table.
    static func contextKeys(_ ctx: CallContext) -> [String: [String]] {
        var keys: [String: [String]] = [:]
        for name in globalKeys { if let values = contextKey(name, ctx) { keys[name] = values } }
        return keys
    }

    static let globalKeys = [
        "aws:currenttime", "aws:epochtime", "aws:requestedregion", "aws:securetransport", "aws:principalarn", "aws:principalaccount",
        "aws:principaltype", "aws:userid", "aws:username", "aws:principalservicename", "aws:sourceip", "aws:sourcearn", "aws:sourceaccount",
    ]

    /// One global context key (lower-cased) of a call; nil when AWS does not set it for this caller.
    static func contextKey(_ name: String, _ ctx: CallContext) -> [String]? {
        switch (name, ctx.caller) {
        case ("aws:currenttime", _): [TimeText.iso8601(ctx.now)]
        case ("aws:epochtime", _): [String(Int64(ctx.now.timeIntervalSince1970))]
        case ("aws:requestedregion", _): [ctx.region]
        case ("aws:securetransport", _): ["false"]
        case ("aws:principalarn", .root), ("aws:principalarn", .user): [ctx.caller.arn]
        // A role session's principal ARN is its role's, not the session's.
        case ("aws:principalarn", .assumedRole(let role, _)): [role.description]
        case ("aws:principalaccount", .root(let account)): [account]
        case ("aws:principalaccount", .user(let arn)): [arn.account]
        case ("aws:principalaccount", .assumedRole(let role, _)): [role.account]
        case ("aws:principaltype", .root): ["Account"]
        case ("aws:principaltype", .user): ["User"]
        case ("aws:principaltype", .assumedRole): ["AssumedRole"]
        case ("aws:userid", .root(let account)): [account]
        case ("aws:userid", .assumedRole(let role, let session)): ["\(role.lastComponent):\(session)"]
        case ("aws:username", .user(let arn)): [arn.lastComponent]
        case ("aws:principalservicename", .service(let name)): [name]
        case ("aws:sourceip", _): ctx.sourceIP.map { [$0] }
        case ("aws:sourcearn", _): ctx.sourceArn.map { [$0] }
        case ("aws:sourceaccount", _): ctx.sourceArn.map { source in [ARN(source).map { $0.account.isEmpty ? ctx.account : $0.account } ?? ctx.account] }
        default: nil
        }
    }

    /// AWS's access-denied error of the service that owns `action`, worded as AWS words it.
    static func denial(principal: Principal, action: String, resource: String, evaluation: Evaluation, style: AccessDeniedStyle) -> CommonError {
        let why: String
        let kind: String
        switch evaluation.layer {
        case .identity: kind = "identity-based policy"
        case .resource: kind = "resource-based policy"
        case .boundary: kind = "permissions boundary"
        case .session: kind = "session policy"
        }
        switch evaluation.decision {
        case .explicitDeny: why = "with an explicit deny in \(evaluation.layer == .identity ? "an" : "a") \(kind)"
        default: why = "because no \(kind) allows the \(action) action"
        }
        let message = "User: \(principal.arn) is not authorized to perform: \(action) on resource: \(resource) \(why)"
        return .accessDenied(code: style.code, message: message, httpStatus: style.httpStatus)
    }
}

/// A principal's identity-based policies, its permissions boundary and its session policies.
struct GatheredPolicies: Sendable {
    let identity: [NamedPolicy]
    let boundary: NamedPolicy?
    let session: [NamedPolicy]
}

extension IAM {
    /// The identity-based policies of a principal: a user's or a role's inline and attached ones.
    func identityPolicies(for principal: Principal) -> [NamedPolicy] {
        let inline: [String: String]
        let attached: [ARN]
        switch principal {
        case .user(let arn):
            guard let u = users[arn.lastComponent.lowercased()] else { return [] }
            (inline, attached) = (u.inlinePolicies, u.attachedPolicies)
        case .assumedRole(let role, _):
            guard let r = roles[role.lastComponent.lowercased()], r.arn == role else { return [] }
            (inline, attached) = (r.inlinePolicies, r.attachedPolicies)
        case .root, .service:
            return []
        }
        var result: [NamedPolicy] = []
        for name in inline.keys.sorted() {
            if let text = inline[name], let doc = parsed(text) { result.append(NamedPolicy(name: name, document: doc)) }
        }
        for arn in attached {
            if let p = policies[arn.description], let doc = parsed(p.document) { result.append(NamedPolicy(name: p.name, document: doc)) }
        }
        return result
    }

    /// A principal's identity-based policies and what caps them, in one visit to the actor.
    func policies(for principal: Principal) -> GatheredPolicies {
        if case .root = principal { return GatheredPolicies(identity: [], boundary: nil, session: []) }
        if let known = gathered[principal] { return known }
        let (boundary, session) = limits(for: principal)
        let found = GatheredPolicies(identity: identityPolicies(for: principal), boundary: boundary, session: session)
        // Bounded like the parsed documents: principals in use come back at once after a clear.
        if gathered.count >= Self.parsedDocumentLimit { gathered.removeAll(keepingCapacity: true) }
        gathered[principal] = found
        return found
    }

    /// What caps a principal's identity-based permissions: its permissions boundary, and for a
    /// role session the policies passed to AssumeRole.
    func limits(for principal: Principal) -> (NamedPolicy?, [NamedPolicy]) {
        var boundaryArn: String?
        var session: [NamedPolicy] = []
        switch principal {
        case .user(let arn): boundaryArn = users[arn.lastComponent.lowercased()]?.permissionsBoundary
        case .assumedRole(let role, let name):
            boundaryArn = roles[role.lastComponent.lowercased()]?.permissionsBoundary
            for (i, text) in (sessionPolicies[principal.arn] ?? []).enumerated() {
                if let doc = parsed(text) { session.append(NamedPolicy(name: "session policy \(i + 1) of \(name)", document: doc)) }
            }
        case .root, .service: break
        }
        let boundary = boundaryArn.flatMap { policies[$0] }.flatMap { p in
            parsed(p.document).map { NamedPolicy(name: "\(p.name) (permissions boundary)", document: $0) }
        }
        return (boundary, session)
    }

    /// Parsed documents kept at most (the account's policies are far fewer).
    static let parsedDocumentLimit = 1000

    /// A stored document, parsed once.
    func parsed(_ text: String) -> PolicyDocument? {
        if let doc = parsedDocuments[text] { return doc }
        guard let doc = try? PolicyDocument(parsing: text, kind: .identity) else { return nil }
        // A bounded cache: documents in use come back at once after a clear.
        if parsedDocuments.count >= Self.parsedDocumentLimit { parsedDocuments.removeAll(keepingCapacity: true) }
        parsedDocuments[text] = doc
        return doc
    }

    /// A role's trust policy, the resource policy of sts:AssumeRole.
    func trustPolicy(_ roleArn: String) -> String? {
        guard let arn = ARN(roleArn), let r = roles[arn.lastComponent.lowercased()], r.arn == arn else { return nil }
        return r.assumeRolePolicy
    }
}
