import CloudCafeCore
import Foundation

/// IAM's checks of a permissions policy before it is stored, in the order IAM runs them, so a
/// document with several faults gets the message AWS gives: syntax first, then the version,
/// then the legacy parser, SIDs, actions, resources, resource formats, action vendors.
enum PolicyGrammar {
    static let topKeys: Set<String> = ["Version", "Id", "Statement"]
    static let statementKeys: Set<String> = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"]
    static let iamResourcePrefixes = [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/", "sms-mfa/",
        "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ]

    /// Throws IAM's MalformedPolicyDocument message for the first fault of a permissions policy.
    static func checkPermissions(_ json: JSONValue) throws(PolicyError) {
        let syntax = PolicyError("Syntax errors in policy.")
        guard case .object(let top) = json else { throw syntax }
        guard top.allSatisfy({ topKeys.contains($0.0) }) else { throw syntax }
        if let v = json["Version"], v.stringValue.map({ ["2012-10-17", "2008-10-17"].contains($0) }) != true { throw syntax }
        if let id = json["Id"], id.stringValue == nil { throw syntax }
        let statements: [JSONValue]
        switch json["Statement"] {
        case .array(let items)?: statements = items
        case .object?: statements = [json["Statement"]!]
        default: throw syntax
        }
        guard !statements.isEmpty else { throw syntax }
        for s in statements { try statementSyntax(s) }

        guard json["Version"]?.stringValue == "2012-10-17" else { throw PolicyError("Policy document must be version 2012-10-17 or greater.") }
        if statements.contains(where: { $0.has("Principal") || $0.has("NotPrincipal") }) {
            throw PolicyError("Policy document should not specify a principal.")
        }

        // The legacy parser: exact effects, dates it can read, resources with enough segments.
        var resourceError: String?
        for s in statements {
            guard let effect = s["Effect"]?.stringValue, effect == "Allow" || effect == "Deny" else { throw PolicyError("The policy failed legacy parsing") }
            if case .object(let operators)? = s["Condition"] {
                for (op, block) in operators where strippedOperator(op).hasPrefix("Date") {
                    guard case .object(let keys) = block else { continue }
                    for (_, value) in keys {
                        for text in scalars(value) where !legacyDate(text) { throw PolicyError("The policy failed legacy parsing") }
                    }
                }
            }
        }
        for key in ["Resource", "NotResource"] {
            for s in statements {
                guard let list = strings(s[key]) else { continue }
                // IAM reports the last faulty resource of the last faulty statement, checking each list in descending order.
                for r in list.sorted(by: >) { if let e = resourceFault(r) { resourceError = e } }
                if resourceError == nil {
                    for r in list where r != "*" {
                        let parts = r.split(separator: ":", omittingEmptySubsequences: false)
                        guard r.filter({ $0 == ":" }).count >= 5 || !r.contains("::"), parts.count < 3 || !parts[2].isEmpty else {
                            throw PolicyError("The policy failed legacy parsing")
                        }
                    }
                }
            }
        }

        var sids = Set<String>()
        for s in statements {
            if let sid = s["Sid"]?.stringValue, !sid.isEmpty, !sids.insert(sid).inserted {
                throw PolicyError("Statement IDs (SID) in a single policy must be unique.")
            }
        }
        for s in statements where !present(s, "Action", "NotAction") { throw PolicyError("Policy statement must contain actions.") }
        for s in statements where !present(s, "Resource", "NotResource") { throw PolicyError("Policy statement must contain resources.") }
        if let resourceError { throw PolicyError(resourceError) }
        for key in ["Action", "NotAction"] {
            for s in statements {
                for action in strings(s[key]) ?? [] { try checkAction(action) }
            }
        }
    }

    static func statementSyntax(_ s: JSONValue) throws(PolicyError) {
        let syntax = PolicyError("Syntax errors in policy.")
        guard case .object(let members) = s, members.allSatisfy({ statementKeys.contains($0.0) }) else { throw syntax }
        if s.has("Resource") && s.has("NotResource") || s.has("Action") && s.has("NotAction") { throw syntax }
        guard let effect = s["Effect"]?.stringValue, ["allow", "deny"].contains(effect.lowercased()) else { throw syntax }
        for key in ["Action", "NotAction", "Resource", "NotResource"] where s.has(key) && strings(s[key]) == nil { throw syntax }
        if let sid = s["Sid"], sid.stringValue == nil { throw syntax }
        if let condition = s["Condition"] {
            guard case .object(let operators) = condition else { throw syntax }
            for (op, block) in operators {
                guard case .object(let keys) = block else { throw syntax }
                for (_, value) in keys {
                    switch value {
                    case .string, .bool, .number: break
                    case .array(let items):
                        for item in items {
                            switch item {
                            case .string, .bool, .number: break
                            default: throw syntax
                            }
                        }
                    default: throw syntax
                    }
                }
                if ConditionOperator(op) == nil && !keys.isEmpty { throw syntax }
            }
        }
    }

    /// A string or a list of strings; nil for anything else.
    static func strings(_ v: JSONValue?) -> [String]? { (try? PolicyDocument.strings(v)) ?? nil }

    static func scalars(_ v: JSONValue) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .number(let n): return [n]
        case .bool(let b): return [b ? "true" : "false"]
        case .array(let items): return items.flatMap(scalars)
        default: return []
        }
    }

    static func present(_ s: JSONValue, _ a: String, _ b: String) -> Bool {
        if let list = strings(s[a]) { return !list.isEmpty }
        if let list = strings(s[b]) { return !list.isEmpty }
        return false
    }

    static func strippedOperator(_ op: String) -> Substring {
        var name = Substring(op)
        if name.hasPrefix("ForAnyValue:") {
            name = name.dropFirst("ForAnyValue:".count)
        } else if name.hasPrefix("ForAllValues:") {
            name = name.dropFirst("ForAllValues:".count)
        }
        if name.hasSuffix("IfExists") { name = name.dropLast("IfExists".count) }
        return name
    }

    /// What IAM says of a resource that is not an ARN it accepts; nil when it is one.
    static func resourceFault(_ r: String) -> String? {
        guard r != "*" else { return nil }
        guard let colon = r.firstIndex(of: ":") else { return "Resource \(r) must be in ARN format or \"*\"." }
        let afterPrefix = r[r.index(after: colon)...]
        let partition = afterPrefix.prefix { $0 != ":" }
        let hasRest = partition.endIndex < afterPrefix.endIndex
        if partition != "aws" {
            let rest = hasRest ? afterPrefix[afterPrefix.index(after: partition.endIndex)...] : ""
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let a1 = parts[0].isEmpty && parts.count == 1 ? "*" : parts[0]
            let a2 = parts.count > 1 ? parts[1] : "*"
            let a3 = parts.count > 2 ? parts[2] : "*"
            let a4 = parts.count > 3 ? parts[3...].joined(separator: ":") : "*"
            return "Partition \"\(partition)\" is not valid for resource \"arn:\(partition):\(a1):\(a2):\(a3):\(a4)\"."
        }
        guard hasRest else { return "Resource vendor must be fully qualified and cannot contain regexes." }
        let segments = afterPrefix.dropFirst(partition.count + 1).split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        let service = segments[0]
        let region = segments.count > 1 ? segments[1] : ""
        if service == "iam" && !region.isEmpty { return "IAM resource \(r) cannot contain region information." }
        if service == "s3" && !region.isEmpty { return "Resource \(r) can not contain region information." }
        if service == "iam" {
            let resource = segments.count > 3 ? segments[3] : ""
            if resource != "*" && !iamResourcePrefixes.contains(where: { resource.hasPrefix($0) }) {
                return "IAM resource path must either be \"*\" or start with \(iamResourcePrefixes.joined(separator: ", "))."
            }
        }
        return nil
    }

    static func checkAction(_ action: String) throws(PolicyError) {
        let parts = action.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 1 && action != "*" { throw PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.") }
        if parts.count > 2 { throw PolicyError("Actions/Condition can contain only one colon.") }
        let vendor = parts[0]
        if vendor != "*" && vendor.unicodeScalars.contains(where: { !(CharacterSet.alphanumerics.contains($0) && $0.isASCII) && $0 != "-" && $0 != "." }) {
            throw PolicyError("Vendor \(vendor) is not valid")
        }
    }

    /// Epoch seconds or an ISO 8601 date the legacy parser can read.
    static func legacyDate(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.contains("t") || lower.contains("-") else {
            guard let n = Int64(text) else { return false }
            return n >= 0
        }
        return ConditionOperator.date(text) != nil
    }
}
