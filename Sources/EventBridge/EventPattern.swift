public import CloudCafeCore
import Foundation

/// An EventBridge event pattern: which events a rule matches (content filtering).
///
/// Every field of the pattern must match; a field's array matches when any of its entries
/// does: exact values, `prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `wildcard`,
/// `equals-ignore-case`; `$or` offers alternatives. An array in the event matches when any
/// of its elements does.
public struct EventPattern: Sendable {
    let root: JSONValue

    /// Parses a pattern; throws EventBridge's reason when it is not one.
    public init(_ text: String) throws(PatternError) {
        guard let json = try? JSONValue(parsing: text), case .object = json else {
            throw PatternError("Event pattern is not valid. Reason: Filter is not an object")
        }
        try Self.validate(json)
        root = json
    }

    /// Why a pattern was refused.
    public struct PatternError: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    static func validate(_ node: JSONValue) throws(PatternError) {
        guard case .object(let members) = node else { throw PatternError("Event pattern is not valid. Reason: Filter is not an object") }
        guard !members.isEmpty else { throw PatternError("Event pattern is not valid. Reason: Empty objects are not allowed") }
        for (key, value) in members {
            switch value {
            case .object: try validate(value)
            case .array(let items):
                if key == "$or" {
                    for item in items { try validate(item) }
                    continue
                }
                guard !items.isEmpty else { throw PatternError("Event pattern is not valid. Reason: Empty arrays are not allowed") }
                for item in items {
                    if case .object(let rule) = item {
                        guard rule.count == 1, let name = rule.first?.0,
                            ["prefix", "suffix", "anything-but", "numeric", "exists", "wildcard", "equals-ignore-case", "cidr"].contains(name)
                        else { throw PatternError("Event pattern is not valid. Reason: Unrecognized match type \(rule.first?.0 ?? "")") }
                    } else if case .array = item {
                        throw PatternError("Event pattern is not valid. Reason: Match value must be String, number, true, false, or null")
                    }
                }
            default:
                throw PatternError("Event pattern is not valid. Reason: \"\(key)\" must be an object or an array")
            }
        }
    }

    /// Whether `event` matches.
    public func matches(_ event: JSONValue) -> Bool { Self.matches(root, event) }

    static func matches(_ pattern: JSONValue, _ event: JSONValue?) -> Bool {
        guard case .object(let members) = pattern else { return false }
        for (key, rule) in members {
            if key == "$or" {
                guard case .array(let alternatives) = rule, alternatives.contains(where: { matches($0, event) }) else { return false }
                continue
            }
            let field = event?[key]
            switch rule {
            case .object:
                // A nested pattern: the field must be an object that matches it.
                guard matches(rule, field) else { return false }
            case .array(let entries):
                guard entries.contains(where: { entryMatches($0, field) }) else { return false }
            default:
                return false
            }
        }
        return true
    }

    static func values(_ field: JSONValue?) -> [JSONValue] {
        switch field {
        case .array(let items)?: items
        case let value?: [value]
        case nil: []
        }
    }

    static func entryMatches(_ entry: JSONValue, _ field: JSONValue?) -> Bool {
        guard case .object(let rule) = entry, let (name, arg) = rule.first else {
            return values(field).contains { $0 == entry }
        }
        let present = values(field)
        switch name {
        case "exists":
            let wantsPresent = arg == .bool(true)
            let exists = field != nil && field != .array([])
            return wantsPresent == exists
        case "prefix":
            if case .object(let inner) = arg, inner.first?.0 == "equals-ignore-case", let p = inner.first?.1.stringValue {
                return present.contains { $0.stringValue?.lowercased().hasPrefix(p.lowercased()) ?? false }
            }
            guard let p = arg.stringValue else { return false }
            return present.contains { $0.stringValue?.hasPrefix(p) ?? false }
        case "suffix":
            guard let s = arg.stringValue else { return false }
            return present.contains { $0.stringValue?.hasSuffix(s) ?? false }
        case "equals-ignore-case":
            guard let s = arg.stringValue?.lowercased() else { return false }
            return present.contains { $0.stringValue?.lowercased() == s }
        case "wildcard":
            guard let w = arg.stringValue else { return false }
            return present.contains { v in v.stringValue.map { wildcard(w, $0) } ?? false }
        case "anything-but":
            guard !present.isEmpty else { return false }
            switch arg {
            case .array(let excluded): return present.allSatisfy { !excluded.contains($0) }
            case .object(let inner):
                guard let (kind, v) = inner.first else { return false }
                let s = v.stringValue ?? ""
                switch kind {
                case "prefix": return present.allSatisfy { !($0.stringValue?.hasPrefix(s) ?? false) }
                case "suffix": return present.allSatisfy { !($0.stringValue?.hasSuffix(s) ?? false) }
                case "equals-ignore-case": return present.allSatisfy { $0.stringValue?.lowercased() != s.lowercased() }
                default: return false
                }
            default: return present.allSatisfy { $0 != arg }
            }
        case "numeric":
            guard case .array(let terms) = arg, terms.count % 2 == 0 else { return false }
            return present.contains { v in
                guard case .number(let text) = v, let n = Double(text) else { return false }
                var i = 0
                while i < terms.count {
                    guard let op = terms[i].stringValue, case .number(let boundText) = terms[i + 1], let bound = Double(boundText) else { return false }
                    let ok: Bool
                    switch op {
                    case "=": ok = n == bound
                    case "<": ok = n < bound
                    case "<=": ok = n <= bound
                    case ">": ok = n > bound
                    case ">=": ok = n >= bound
                    default: ok = false
                    }
                    if !ok { return false }
                    i += 2
                }
                return true
            }
        default:
            return false
        }
    }

    static func wildcard(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] == t[ti] && p[pi] != "*" {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
