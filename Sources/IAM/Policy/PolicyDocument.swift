import CloudCafeCore
import Foundation

/// A parsed IAM policy document: identity policies, trust policies and resource policies.
public struct PolicyDocument: Sendable, Equatable {
    /// `2012-10-17` (policy variables allowed) or `2008-10-17`.
    public let version: String
    public let statements: [Statement]

    /// One statement.
    public struct Statement: Sendable, Equatable {
        public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }
        /// A list that matches what it names, or (the `Not` form) everything else.
        public struct Patterns: Sendable, Equatable {
            public let values: [String]
            public let negated: Bool
        }

        public let sid: String?
        public let effect: Effect
        public let actions: Patterns?
        public let resources: Patterns?
        public let principals: PrincipalSet?
        public let conditions: [Condition]
    }

    /// `Principal` / `NotPrincipal`.
    public struct PrincipalSet: Sendable, Equatable {
        public let any: Bool
        public let aws: [String]
        public let services: [String]
        public let federated: [String]
        public let negated: Bool
    }

    /// One condition: operator, key, values.
    public struct Condition: Sendable, Equatable {
        public let operatorName: String
        public let key: String
        public let values: [String]
        /// The operator, parsed once with the document.
        let op: ConditionOperator?
        /// The key as request contexts store it.
        let lowercasedKey: String
        /// For IP operators without policy variables: the blocks, parsed once.
        let cidrs: [CIDR]?

        init(operatorName: String, key: String, values: [String]) {
            self.operatorName = operatorName
            self.key = key
            self.values = values
            lowercasedKey = key.lowercased()
            op = ConditionOperator(operatorName)
            if let base = op?.base, base == .ipAddress || base == .notIpAddress, !values.contains(where: { $0.contains("${") }) {
                cidrs = values.compactMap(CIDR.init)
            } else {
                cidrs = nil
            }
        }

        public static func == (a: Condition, b: Condition) -> Bool {
            a.operatorName == b.operatorName && a.key == b.key && a.values == b.values
        }
    }

    /// The kind of policy a document is validated as.
    public enum Kind: Sendable {
        /// Attached to a user or role: no Principal.
        case identity
        /// A role's trust policy or a resource's policy: Principal required.
        case resource
    }

    /// What IAM checks before it stores a permissions policy (identity-based or a boundary), in
    /// AWS's order of checks and wording; then the document parses as `.identity`.
    @discardableResult
    public static func checkPermissions(_ text: String) throws(PolicyError) -> PolicyDocument {
        let json = try json(text)
        try PolicyGrammar.checkPermissions(json)
        return try PolicyDocument(json: json, kind: .identity)
    }

    /// What IAM checks of a role's trust policy: a resource-based policy without resources.
    public static func checkTrust(_ text: String) throws(PolicyError) {
        let parsed = try PolicyDocument(parsing: text, kind: .resource)
        if parsed.statements.contains(where: { $0.resources != nil }) { throw PolicyError("Has prohibited field Resource") }
    }

    init(version: String, statements: [Statement]) {
        self.version = version
        self.statements = statements
    }

    /// Parses `text` as IAM does, throwing IAM's MalformedPolicyDocument messages.
    public init(parsing text: String, kind: Kind) throws(PolicyError) {
        try self.init(json: try Self.json(text), kind: kind)
    }

    /// The document's JSON, within IAM's largest policy size.
    static func json(_ text: String) throws(PolicyError) -> JSONValue {
        guard text.utf8.count <= 131_072, let json = try? JSONValue(parsing: text) else { throw PolicyError("Syntax errors in policy.") }
        return json
    }

    init(json: JSONValue, kind: Kind) throws(PolicyError) {
        guard case .object(let members) = json else { throw PolicyError("Syntax errors in policy.") }
        for (key, _) in members where !["Version", "Statement", "Id"].contains(key) {
            throw PolicyError("Syntax errors in policy.")
        }
        let version = json["Version"]?.stringValue ?? "2008-10-17"
        guard ["2012-10-17", "2008-10-17"].contains(version) else { throw PolicyError("The policy must contain a valid version string") }
        let raw: [JSONValue]
        switch json["Statement"] {
        case .array(let items)?: raw = items
        case .object(let o)?: raw = [.object(o)]
        default: throw PolicyError("Syntax errors in policy.")
        }
        guard !raw.isEmpty else { throw PolicyError("Syntax errors in policy.") }
        self.version = version
        statements = try raw.map { (s: JSONValue) throws(PolicyError) -> Statement in try Self.statement(s, kind: kind) }
        var sids = Set<String>()
        for s in statements {
            if let sid = s.sid, !sid.isEmpty, !sids.insert(sid).inserted { throw PolicyError("Statement IDs (SID) in a single policy must be unique.") }
        }
    }

    static let statementKeys: Set<String> = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]

    static func strings(_ v: JSONValue?) throws(PolicyError) -> [String]? {
        switch v {
        case nil: return nil
        case .string(let s)?: return [s]
        case .array(let items)?:
            return try items.map { (i: JSONValue) throws(PolicyError) -> String in
                guard let s = i.stringValue else { throw PolicyError("Syntax errors in policy.") }
                return s
            }
        default: throw PolicyError("Syntax errors in policy.")
        }
    }

    static func statement(_ s: JSONValue, kind: Kind) throws(PolicyError) -> Statement {
        guard case .object(let members) = s else { throw PolicyError("Syntax errors in policy.") }
        for (key, _) in members where !statementKeys.contains(key) { throw PolicyError("Syntax errors in policy.") }
        guard let effectText = s["Effect"]?.stringValue, let effect = Statement.Effect(rawValue: effectText) else {
            throw PolicyError(s["Effect"] == nil ? "Missing required field Effect" : "Invalid effect: \(s["Effect"]?.compact ?? "")")
        }
        if s.has("Action") && s.has("NotAction") || s.has("Resource") && s.has("NotResource") || s.has("Principal") && s.has("NotPrincipal") {
            throw PolicyError("Syntax errors in policy.")
        }
        let action = try strings(s["Action"])
        let notAction = try strings(s["NotAction"])
        let actions = action.map { Statement.Patterns(values: $0, negated: false) } ?? notAction.map { Statement.Patterns(values: $0, negated: true) }
        guard let actions else { throw PolicyError("Policy statement must contain actions.") }
        for a in actions.values where a != "*" && !a.contains(":") {
            throw PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        }
        let resource = try strings(s["Resource"])
        let notResource = try strings(s["NotResource"])
        let resources = resource.map { Statement.Patterns(values: $0, negated: false) } ?? notResource.map { Statement.Patterns(values: $0, negated: true) }
        let principalValue = s["Principal"] ?? s["NotPrincipal"]
        let principals = try principalValue.map { (v: JSONValue) throws(PolicyError) -> PrincipalSet in try principalSet(v, negated: s["Principal"] == nil) }
        switch kind {
        case .identity:
            if principals != nil { throw PolicyError("Policy document should not specify a principal.") }
            guard resources != nil else { throw PolicyError("Policy statement must contain resources.") }
        case .resource:
            guard principals != nil else { throw PolicyError("Missing required field Principal") }
        }
        for r in resources?.values ?? [] where r != "*" && !r.hasPrefix("arn:") {
            throw PolicyError("Resource \(r) must be in ARN format or \"*\".")
        }
        return Statement(
            sid: s["Sid"]?.stringValue, effect: effect, actions: actions, resources: resources, principals: principals,
            conditions: try conditions(s["Condition"]))
    }

    static func principalSet(_ v: JSONValue, negated: Bool) throws(PolicyError) -> PrincipalSet {
        if v.stringValue == "*" { return PrincipalSet(any: true, aws: [], services: [], federated: [], negated: negated) }
        guard case .object(let members) = v else { throw PolicyError("Invalid principal in policy: \(v.compact)") }
        var aws: [String] = []
        var services: [String] = []
        var federated: [String] = []
        for (key, value) in members {
            guard let list = try strings(value) else { continue }
            switch key {
            case "AWS":
                for p in list where p != "*" && ARN(p) == nil && !(p.count == 12 && p.allSatisfy(\.isNumber)) {
                    throw PolicyError("Invalid principal in policy: \"AWS\":\"\(p)\"")
                }
                aws += list
            case "Service": services += list
            case "Federated": federated += list
            case "CanonicalUser": break
            default: throw PolicyError("Invalid principal in policy: \(v.compact)")
            }
        }
        return PrincipalSet(
            any: aws.contains("*") || services.contains("*"), aws: aws.contains("*") ? ["*"] : aws, services: services, federated: federated, negated: negated)
    }

    static func conditions(_ v: JSONValue?) throws(PolicyError) -> [Condition] {
        guard let v else { return [] }
        guard case .object(let operators) = v else { throw PolicyError("Syntax errors in policy.") }
        var result: [Condition] = []
        for (op, block) in operators {
            guard case .object(let keys) = block else { throw PolicyError("Syntax errors in policy.") }
            // IAM ignores an operator it does not know only when it names no keys.
            guard ConditionOperator(op) != nil else {
                if keys.isEmpty { continue }
                throw PolicyError("Syntax errors in policy.")
            }
            for (key, value) in keys {
                let values: [String]
                switch value {
                case .string(let s): values = [s]
                case .bool(let b): values = [b ? "true" : "false"]
                case .number(let n): values = [n]
                case .array(let items):
                    values = try items.map { (i: JSONValue) throws(PolicyError) -> String in
                        switch i {
                        case .string(let s): return s
                        case .bool(let b): return b ? "true" : "false"
                        case .number(let n): return n
                        default: throw PolicyError("Syntax errors in policy.")
                        }
                    }
                default: throw PolicyError("Syntax errors in policy.")
                }
                result.append(Condition(operatorName: op, key: key, values: values))
            }
        }
        return result
    }
}

/// IAM's `MalformedPolicyDocument`, with its message.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
