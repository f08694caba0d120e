import Foundation
import Synchronization

/// One broken constraint, worded as AWS words it: `Value 'x' at 'name' failed to satisfy
/// constraint: Member must …`. The generated validation and the few checks the model cannot
/// express (Logs' retention days) share this one wording.
public struct ConstraintViolation: Sendable, Equatable {
    /// The member's path as AWS prints it (`flexibleTimeWindow.mode`, `targets.1.member.arn`).
    public let path: String
    /// The value as AWS prints it: `'x'`, `null`, or nil when AWS leaves it out (sensitive members).
    public let value: String?
    /// `Member must …`.
    public let constraint: String

    public init(path: String, value: String?, constraint: String) {
        self.path = path
        self.value = value
        self.constraint = constraint
    }

    public var text: String {
        "Value\(value.map { " " + $0 } ?? "") at '\(path)' failed to satisfy constraint: \(constraint)"
    }

    /// `1 validation error detected: …` / `N validation errors detected: …; …`.
    public static func message(_ violations: [ConstraintViolation]) -> String {
        let count = violations.count == 1 ? "1 validation error detected" : "\(violations.count) validation errors detected"
        return count + ": " + violations.map(\.text).joined(separator: "; ")
    }

    public static func notNull(_ path: String) -> Self { .init(path: path, value: "null", constraint: "Member must not be null") }
    public static func minLength(_ path: String, _ value: String?, _ n: Int) -> Self {
        .init(path: path, value: value, constraint: "Member must have length greater than or equal to \(n)")
    }
    public static func maxLength(_ path: String, _ value: String?, _ n: Int) -> Self {
        .init(path: path, value: value, constraint: "Member must have length less than or equal to \(n)")
    }
    public static func minValue(_ path: String, _ value: String?, _ n: String) -> Self {
        .init(path: path, value: value, constraint: "Member must have value greater than or equal to \(n)")
    }
    public static func maxValue(_ path: String, _ value: String?, _ n: String) -> Self {
        .init(path: path, value: value, constraint: "Member must have value less than or equal to \(n)")
    }
    public static func pattern(_ path: String, _ value: String?, _ pattern: String) -> Self {
        .init(path: path, value: value, constraint: "Member must satisfy regular expression pattern: \(pattern)")
    }
    public static func enumValue(_ path: String, _ value: String?, _ values: [String]) -> Self {
        .init(path: path, value: value, constraint: "Member must satisfy enum value set: [\(values.joined(separator: ", "))]")
    }
}

/// Checks a request, as the wire carried it, against its input shape's constraints:
/// required, lengths, patterns, ranges and enums, every violation reported in model order.
public struct ShapeValidator: Sendable {
    let shapes: [String: ShapeModel]
    /// `Shape.Member`s whose constraints AWS does not enforce although the model states them.
    let unenforced: Set<String>

    public init(_ model: ServiceModel, unenforced: Set<String> = []) {
        shapes = model.shapes
        self.unenforced = unenforced
    }

    /// Every violation in `value`, an instance of the shape `name`.
    public func violations(of value: JSONValue, shape name: String) -> [ConstraintViolation] {
        var out: [ConstraintViolation] = []
        check(value, shape: name, path: "", into: &out, depth: 0)
        return out
    }

    private func check(_ value: JSONValue, shape name: String, path: String, into out: inout [ConstraintViolation], depth: Int) {
        guard let shape = shapes[name], depth < 32 else { return }
        switch (shape.kind, value) {
        case (.structure, .object):
            for member in shape.members {
                let memberPath = path.isEmpty ? Self.lowerFirst(member.name) : "\(path).\(Self.lowerFirst(member.name))"
                guard let v = value[member.name], v != .null else {
                    if shape.required.contains(member.name) { out.append(.notNull(memberPath)) }
                    continue
                }
                if unenforced.contains("\(name).\(member.name)") { continue }
                check(v, shape: member.shape, path: memberPath, into: &out, depth: depth + 1)
            }
        case (.string, .string(let s)):
            let shown = shape.sensitive ? nil : "'\(s)'"
            length(s.utf16.count, shape, path, shown, &out)
            if let pattern = shape.pattern, !PatternCache.shared.matches(s, pattern) { out.append(.pattern(path, shown, pattern)) }
            if let values = shape.enumValues, !values.contains(s) { out.append(.enumValue(path, shown, values)) }
        case (.integer, .number(let n)), (.long, .number(let n)), (.double, .number(let n)):
            guard let d = Double(n) else { return }
            let shown = shape.sensitive ? nil : "'\(n)'"
            if let min = shape.min, d < min { out.append(.minValue(path, shown, Self.number(min))) }
            if let max = shape.max, d > max { out.append(.maxValue(path, shown, Self.number(max))) }
        case (.list, .array(let items)):
            length(items.count, shape, path, shape.sensitive ? nil : "'\(Self.javaText(value))'", &out)
            guard let member = shape.member else { return }
            for (i, item) in items.enumerated() where item != .null {
                check(item, shape: member, path: "\(path).\(i + 1).member", into: &out, depth: depth + 1)
            }
        case (.map, .object(let entries)):
            length(entries.count, shape, path, "'\(Self.javaText(value))'", &out)
            for (k, v) in entries {
                if let key = shape.key { check(.string(k), shape: key, path: path, into: &out, depth: depth + 1) }
                if let valueShape = shape.value, v != .null { check(v, shape: valueShape, path: "\(path).\(k)", into: &out, depth: depth + 1) }
            }
        case (.blob, .string(let s)):
            guard shape.min != nil || shape.max != nil else { return }
            length(Data(base64Encoded: s)?.count ?? s.utf8.count, shape, path, nil, &out)
        default:
            return  // a value of another type: decoding reports it
        }
    }

    private func length(_ n: Int, _ shape: ShapeModel, _ path: String, _ shown: String?, _ out: inout [ConstraintViolation]) {
        if let min = shape.min, Double(n) < min { out.append(.minLength(path, shown, Int(min))) }
        if let max = shape.max, Double(n) > max { out.append(.maxLength(path, shown, Int(max))) }
    }

    static func lowerFirst(_ s: String) -> String { s.prefix(1).lowercased() + s.dropFirst() }

    static func number(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e18 ? String(Int64(d)) : String(d) }

    /// A value as Java's `toString` prints it, which AWS's messages show for lists and maps.
    static func javaText(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): s
        case .array(let items): "[" + items.map(javaText).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { "\($0.0)=\(javaText($0.1))" }.joined(separator: ", ") + "}"
        }
    }
}

/// Compiled model patterns, each compiled once. botocore's patterns are Java's; the few Java
/// escapes Swift's Regex spells differently are translated first.
final class PatternCache: Sendable {
    static let shared = PatternCache()

    private struct Compiled: @unchecked Sendable { let regex: Regex<AnyRegexOutput>? }
    private let cache = Mutex<[String: Compiled]>([:])

    func matches(_ text: String, _ pattern: String) -> Bool {
        let compiled =
            cache.withLock { $0[pattern] }
            ?? {
                let c = Compiled(regex: try? Regex(Self.swiftSyntax(pattern)))
                cache.withLock { $0[pattern] = c }
                return c
            }()
        // A pattern Swift cannot compile is not enforced rather than refusing every value.
        guard let regex = compiled.regex else { return true }
        return (try? regex.wholeMatch(in: text)) != nil
    }

    /// Whether Swift's Regex accepts `pattern` (a test checks every pattern of every model).
    static func compiles(_ pattern: String) -> Bool { (try? Regex(swiftSyntax(pattern))) != nil }

    static func swiftSyntax(_ pattern: String) -> String {
        let p = pattern.replacingOccurrences(of: #"\uD800\uDC00-\uDBFF\uDFFF"#, with: #"\u{10000}-\u{10FFFF}"#)
        // \uXXXX → \u{XXXX}
        var out = ""
        var i = p.startIndex
        while i < p.endIndex {
            if p[i] == "\\", p.index(after: i) < p.endIndex, p[p.index(after: i)] == "u",
                let end = p.index(i, offsetBy: 6, limitedBy: p.endIndex),
                p[p.index(i, offsetBy: 2)..<end].allSatisfy(\.isHexDigit)
            {
                out += "\\u{" + p[p.index(i, offsetBy: 2)..<end] + "}"
                i = end
            } else {
                out.append(p[i])
                i = p.index(after: i)
            }
        }
        return out
    }
}

/// Whether every pattern of `model` compiles as Swift Regex.
public func uncompilablePatterns(_ model: ServiceModel) -> [String] {
    model.shapes.values.compactMap(\.pattern).filter { !PatternCache.compiles($0) }
}
