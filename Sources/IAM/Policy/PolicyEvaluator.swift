public import CloudCafeCore
import Foundation

/// A policy with the name it is known by, for explanations.
public struct NamedPolicy: Sendable {
    public let name: String
    public let document: PolicyDocument
    public init(name: String, document: PolicyDocument) {
        self.name = name
        self.document = document
    }
}

/// The question: may `principal` perform `action` on `resource`, given the request's context keys?
public struct EvaluationRequest: Sendable {
    public var principal: Principal
    public var action: String
    public var resource: String
    /// Context keys, lower-cased (`aws:sourcearn`), each with its values.
    public var keys: ContextKeys

    public init(principal: Principal, action: String, resource: String, keys: [String: String] = [:]) {
        self.init(principal: principal, action: action, resource: resource, multiValuedKeys: keys.mapValues { [$0] })
    }

    public init(principal: Principal, action: String, resource: String, multiValuedKeys: [String: [String]]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.keys = ContextKeys(Dictionary(multiValuedKeys.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// A request whose keys are worked out only when a condition reads them (`derive` takes a lower-cased key).
    public init(principal: Principal, action: String, resource: String, derive: @escaping @Sendable (String) -> [String]?) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.keys = ContextKeys(derive: derive)
    }
}

/// A request's context keys by lower-cased name: given, or derived when read. A call's keys
/// (its time as text, its principal's ARN) cost more to make than most evaluations, and most
/// conditions read one or two of them.
public struct ContextKeys: Sendable {
    private let given: [String: [String]]
    private let derive: (@Sendable (String) -> [String]?)?

    public init(_ given: [String: [String]]) {
        self.given = given
        self.derive = nil
    }

    public init(derive: @escaping @Sendable (String) -> [String]?) {
        self.given = [:]
        self.derive = derive
    }

    public subscript(key: String) -> [String]? { given[key] ?? derive?(key) }
}

/// The answer, with the statements that decided it.
public struct Evaluation: Sendable, Equatable {
    public enum Decision: String, Sendable { case allowed, explicitDeny, implicitDeny }
    /// The kind of policy that decided a denial.
    public enum Layer: String, Sendable { case identity, resource, boundary, session }
    /// A statement that applied.
    public struct Match: Sendable, Equatable {
        public let policy: String
        public let sid: String?
        public let effect: PolicyDocument.Statement.Effect
    }

    public let decision: Decision
    public let matched: [Match]
    /// Where the deciding deny (or the missing allow) was.
    public let layer: Layer

    public init(decision: Decision, matched: [Match], layer: Layer) {
        self.decision = decision
        self.matched = matched
        self.layer = layer
    }

    public var allowed: Bool { decision == .allowed }
    /// Whether a resource-based policy decided the denial.
    public var denyIsResourceBased: Bool { layer == .resource }
}

/// AWS's policy evaluation logic: an explicit deny wins; within one account an allow from an
/// identity-based policy, or from a resource-based policy naming the principal, allows; across
/// accounts (by the accounts in the ARNs) both must allow; otherwise the call is implicitly
/// denied. An account's root user is allowed in its own account unless explicitly denied.
public enum PolicyEvaluator {
    /// `resourceMustAllow`: a role's trust policy must allow `sts:AssumeRole` itself, whatever
    /// the identity-based policies say; naming only the account still needs an identity allow.
    /// A permissions `boundary` and `sessionPolicies` cap what identity-based policies grant:
    /// each must allow too, and an explicit deny in either denies.
    public static func evaluate(
        identity: [NamedPolicy], resource: NamedPolicy?, request: EvaluationRequest, resourceMustAllow: Bool = false,
        boundary: NamedPolicy? = nil, sessionPolicies: [NamedPolicy] = []
    ) -> Evaluation {
        var matched: [Evaluation.Match] = []
        func scan(_ policies: [NamedPolicy]) -> (allows: Bool, denies: Bool) {
            var allows = false, denies = false
            for policy in policies {
                for s in policy.document.statements where applies(s, version: policy.document.version, request: request, checkPrincipal: false) != nil {
                    matched.append(.init(policy: policy.name, sid: s.sid, effect: s.effect))
                    if s.effect == .deny { denies = true } else { allows = true }
                }
            }
            return (allows, denies)
        }
        let identityScan = scan(identity)
        let boundaryScan = boundary.map { scan([$0]) }
        let sessionScan = sessionPolicies.isEmpty ? nil : scan(sessionPolicies)
        var resourceAllows = false
        var resourceDelegates = false
        var resourceDenies = false
        if let policy = resource {
            for s in policy.document.statements {
                guard let strength = applies(s, version: policy.document.version, request: request, checkPrincipal: true) else { continue }
                matched.append(.init(policy: policy.name, sid: s.sid, effect: s.effect))
                if s.effect == .deny {
                    resourceDenies = true
                } else if strength == .specific {
                    resourceAllows = true
                } else {
                    resourceDelegates = true
                }
            }
        }
        if identityScan.denies { return Evaluation(decision: .explicitDeny, matched: matched, layer: .identity) }
        if resourceDenies { return Evaluation(decision: .explicitDeny, matched: matched, layer: .resource) }
        if boundaryScan?.denies == true { return Evaluation(decision: .explicitDeny, matched: matched, layer: .boundary) }
        if sessionScan?.denies == true { return Evaluation(decision: .explicitDeny, matched: matched, layer: .session) }
        if let account = request.principal.account, let owner = Self.accountField(request.resource), owner.utf8.count == 12, owner != account {
            // Across accounts both sides must allow: the caller's own account, and the resource's
            // policy naming the caller or its account.
            guard resourceAllows || resourceDelegates else { return Evaluation(decision: .implicitDeny, matched: matched, layer: .resource) }
            if case .root = request.principal { return Evaluation(decision: .allowed, matched: matched, layer: .resource) }
            guard identityScan.allows else { return Evaluation(decision: .implicitDeny, matched: matched, layer: .identity) }
            if let boundaryScan, !boundaryScan.allows { return Evaluation(decision: .implicitDeny, matched: matched, layer: .boundary) }
            if let sessionScan, !sessionScan.allows { return Evaluation(decision: .implicitDeny, matched: matched, layer: .session) }
            return Evaluation(decision: .allowed, matched: matched, layer: .identity)
        }
        if case .root = request.principal { return Evaluation(decision: .allowed, matched: matched, layer: .identity) }
        if resourceMustAllow && !resourceAllows && !resourceDelegates {
            // Without an identity allow either, AWS names the identity-based policies.
            return Evaluation(decision: .implicitDeny, matched: matched, layer: identityScan.allows ? .resource : .identity)
        }
        if resourceAllows && !resourceMustAllow { return Evaluation(decision: .allowed, matched: matched, layer: .resource) }
        if resourceAllows && resourceMustAllow { return Evaluation(decision: .allowed, matched: matched, layer: .resource) }
        if case .service = request.principal { return Evaluation(decision: .implicitDeny, matched: matched, layer: .resource) }
        guard identityScan.allows else { return Evaluation(decision: .implicitDeny, matched: matched, layer: .identity) }
        if let boundaryScan, !boundaryScan.allows { return Evaluation(decision: .implicitDeny, matched: matched, layer: .boundary) }
        if let sessionScan, !sessionScan.allows { return Evaluation(decision: .implicitDeny, matched: matched, layer: .session) }
        return Evaluation(decision: .allowed, matched: matched, layer: .identity)
    }

    /// How a resource policy's Principal names the caller: by itself, or by its account only
    /// (which delegates to the account's own policies and does not allow by itself).
    enum Strength { case specific, account }

    static func applies(_ s: PolicyDocument.Statement, version: String, request: EvaluationRequest, checkPrincipal: Bool) -> Strength? {
        guard let actions = s.actions else { return nil }
        let actionMatch = actions.values.contains { Glob.matches($0, request.action, caseSensitive: false) }
        guard actionMatch != actions.negated else { return nil }
        if let resources = s.resources {
            let substitute = version == "2012-10-17"
            let resourceMatch = resources.values.contains { pattern in
                guard let p = substitute ? variables(pattern, request, escaping: true) : pattern else { return false }
                return Glob.arnMatches(p, request.resource)
            }
            guard resourceMatch != resources.negated else { return nil }
        }
        var strength = Strength.specific
        if checkPrincipal {
            guard let principals = s.principals, let found = match(principals, request.principal) else { return nil }
            strength = found
        }
        for c in s.conditions {
            guard let op = c.op else { return nil }
            let values = version == "2012-10-17" ? c.values.compactMap { variables($0, request, escaping: op.isPattern) } : c.values
            guard op.evaluate(policyValues: values, requestValues: request.keys[c.lowercasedKey], cidrs: c.cidrs) else { return nil }
        }
        return strength
    }

    /// Whether a statement's action and resource match, whatever its conditions say: the
    /// statements whose condition keys a simulation reports as missing.
    static func applies(ignoringConditions s: PolicyDocument.Statement, version: String, request: EvaluationRequest) -> Bool {
        let stripped = PolicyDocument.Statement(sid: s.sid, effect: s.effect, actions: s.actions, resources: s.resources, principals: nil, conditions: [])
        return applies(stripped, version: version, request: request, checkPrincipal: false) != nil
    }

    /// The account field of an ARN (the fifth), without parsing the rest: every call asks.
    static func accountField(_ arn: String) -> Substring? {
        // Read as bytes: Character steps, then generic UTF-8 view searches, cost a request path
        // more than the field was worth.
        guard arn.hasPrefix("arn:") else { return nil }
        var text = arn
        let field: Range<Int>? = text.withUTF8 { bytes in
            var colons = 0
            var start = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: ":") {
                colons += 1
                if colons == 4 { start = i + 1 } else if colons == 5 { return start..<i }
            }
            return nil
        }
        guard let field else { return nil }
        let utf8 = arn.utf8
        return arn[utf8.index(utf8.startIndex, offsetBy: field.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: field.upperBound)]
    }

    static func match(_ set: PolicyDocument.PrincipalSet, _ principal: Principal) -> Strength? {
        var found: Strength?
        // `"Principal": "*"` is everyone; `{"AWS": "*"}` is every AWS account's principals, not services.
        let everyone = set.any && (set.aws.isEmpty || { if case .service = principal { return false } else { return true } }())
        if everyone {
            found = .specific
        } else {
            switch principal {
            case .service(let name):
                if set.services.contains(name) { found = .specific }
            case .root(let account):
                if set.aws.contains(where: { $0 == account || $0 == "arn:aws:iam::\(account):root" }) { found = .specific }
            case .user(let arn):
                if set.aws.contains(arn.description) {
                    found = .specific
                } else if set.aws.contains(where: { $0 == arn.account || $0 == "arn:aws:iam::\(arn.account):root" }) {
                    found = .account
                }
            case .assumedRole(let role, _):
                if set.aws.contains(role.description) || set.aws.contains(principal.arn) {
                    found = .specific
                } else if set.aws.contains(where: { $0 == role.account || $0 == "arn:aws:iam::\(role.account):root" }) {
                    found = .account
                }
            }
        }
        if set.negated { return found == nil ? .specific : nil }
        return found
    }

    /// Replaces `${key}` (or `${key, 'default'}`) with the request's value, and `${*}`, `${?}`,
    /// `${$}` with the character itself; nil when a key is missing without a default, so the
    /// pattern matches nothing. `escaping`: the result is a pattern, in which what was
    /// substituted matches only itself.
    /// Whether `text` holds a `${…}`: checked for every pattern of every statement of every
    /// call, so over bytes (Foundation's `contains` goes through NSString).
    static func hasVariable(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if previous == UInt8(ascii: "$"), b == UInt8(ascii: "{") { return true }
            previous = b
        }
        return false
    }

    static func variables(_ text: String, _ request: EvaluationRequest, escaping: Bool = false) -> String? {
        guard hasVariable(text) else { return text }
        var out = ""
        func literal(_ value: some StringProtocol) {
            guard escaping else { return out += value }
            for ch in value.unicodeScalars {
                if ch == "*" || ch == "?" || ch == "\0" { out.unicodeScalars.append("\0") }
                out.unicodeScalars.append(ch)
            }
        }
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let inner = rest[start.upperBound..<end]
            rest = rest[rest.index(after: end)...]
            switch inner {
            case "*", "?", "$": literal(inner)
            default:
                // `${}` names no key: like a missing one, it matches nothing.
                let parts = inner.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
                let key = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard !key.isEmpty else { return nil }
                if let value = request.keys[key]?.first {
                    literal(value)
                } else if parts.count == 2 {
                    literal(parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'")))
                } else {
                    return nil
                }
            }
        }
        return out + rest
    }
}
