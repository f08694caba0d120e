import CloudCafeCore
import Foundation

/// A CloudWatch Logs filter pattern, as FilterLogEvents, TestMetricFilter, metric filters and
/// subscription filters read it: terms (`ERROR "timed out" ?WARN -debug`), `%regex%`, a JSON
/// pattern (`{ $.level = "error" && $.ms > 100 }`) or a space-delimited one
/// (`[ip, user, ..., status = 4*, bytes]`).
struct LogFilterPattern: Sendable {
    enum Kind: Sendable {
        case everything
        case terms(required: [String], anyOf: [String], excluded: [String])
        case regex(CompiledRegex)
        case json(JSONCondition)
        case delimited(fields: [Field])
    }

    let kind: Kind
    /// How many `%regex%` it holds: at most two per pattern, five per log group.
    let regexCount: Int

    /// The longest pattern CloudWatch Logs accepts.
    static let maxLength = 1024
    static let maxRegexes = 2

    init(_ text: String) throws(LogsError) {
        guard text.count <= Self.maxLength else {
            throw .invalid(ConstraintViolation.message([.maxLength("filterPattern", nil, Self.maxLength)]))
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        regexCount = trimmed.filter { $0 == "%" }.count / 2
        guard regexCount <= Self.maxRegexes else {
            throw .invalid("Invalid filter pattern: a filter pattern can contain at most \(Self.maxRegexes) regular expressions")
        }
        if trimmed.isEmpty {
            kind = .everything
        } else if trimmed.hasPrefix("{") {
            var p = JSONPatternParser(text: trimmed)
            kind = .json(try p.parse())
        } else if trimmed.hasPrefix("[") {
            kind = .delimited(fields: try DelimitedParser.parse(trimmed))
        } else if trimmed.hasPrefix("%"), trimmed.hasSuffix("%"), trimmed.count >= 2 {
            kind = .regex(try Self.regex(String(trimmed.dropFirst().dropLast())))
        } else {
            kind = try Self.terms(trimmed)
        }
    }

    /// What a match found: whether it matched, and the values a pattern names (`$ip`, `$1`).
    struct Match: Equatable {
        var matched: Bool
        var extracted: [String: String] = [:]
    }

    func match(_ message: String) -> Match {
        switch kind {
        case .everything: return Match(matched: true)
        case .terms(let required, let anyOf, let excluded):
            let ok =
                required.allSatisfy(message.contains) && (anyOf.isEmpty || anyOf.contains(where: message.contains))
                && !excluded.contains(where: message.contains)
            return Match(matched: ok)
        case .regex(let r):
            return Match(matched: r.matches(message))
        case .json(let condition):
            guard let event = try? JSONValue(parsing: message), case .object = event else { return Match(matched: false) }
            return Match(matched: condition.matches(event))
        case .delimited(let fields):
            return DelimitedParser.match(fields, message)
        }
    }

    func matches(_ message: String) -> Bool { match(message).matched }

    // MARK: Terms

    static func terms(_ text: String) throws(LogsError) -> Kind {
        var required: [String] = []
        var anyOf: [String] = []
        var excluded: [String] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == " " {
                i = text.index(after: i)
                continue
            }
            var sign: Character?
            if text[i] == "?" || text[i] == "-" {
                sign = text[i]
                i = text.index(after: i)
            }
            var term = ""
            if i < text.endIndex, text[i] == "\"" {
                i = text.index(after: i)
                var closed = false
                while i < text.endIndex {
                    let c = text[i]
                    i = text.index(after: i)
                    if c == "\\", i < text.endIndex {
                        term.append(text[i])
                        i = text.index(after: i)
                    } else if c == "\"" {
                        closed = true
                        break
                    } else {
                        term.append(c)
                    }
                }
                guard closed else { throw .invalid("Invalid filter pattern: missing closing quote") }
            } else {
                while i < text.endIndex, text[i] != " " {
                    term.append(text[i])
                    i = text.index(after: i)
                }
                // Unquoted terms are words; anything else must be quoted.
                guard !term.isEmpty, term.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                    throw .invalid("Invalid character(s) in term '\(term)'")
                }
            }
            switch sign {
            case "?": anyOf.append(term)
            case "-": excluded.append(term)
            default: required.append(term)
            }
        }
        return .terms(required: required, anyOf: anyOf, excluded: excluded)
    }

    /// `%…%`: the regular expressions CloudWatch Logs allows (no backreferences, no lookaround).
    static func regex(_ body: String) throws(LogsError) -> CompiledRegex {
        let backreference = (1...9).contains { body.contains("\\\($0)") }
        guard !body.isEmpty, !body.contains("(?"), !backreference else { throw .invalid("Invalid regex: \(body)") }
        do {
            return CompiledRegex(regex: try Regex(body))
        } catch {
            throw .invalid("Invalid regex: \(body)")
        }
    }

    /// `*` in a value matches any run of characters.
    static func wildcard(_ pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(text)
        for (i, part) in parts.enumerated() {
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if i == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let r = rest.range(of: part) else { return false }
                rest = rest[r.upperBound...]
            }
        }
        return rest.isEmpty
    }
}

/// A compiled `%regex%`. Regex's output type is not Sendable, but a compiled Regex is an
/// immutable value only ever read, so sharing it across tasks is safe.
struct CompiledRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    func matches(_ text: String) -> Bool { (try? regex.firstMatch(in: text)) != nil }
}

// MARK: - JSON patterns

/// `{ $.a.b = "x" && ($.n > 3 || $.ok IS TRUE) }`.
indirect enum JSONCondition: Sendable {
    case compare(selector: [Step], op: String, value: Value)
    case isLiteral(selector: [Step], JSONValue)
    case notExists(selector: [Step])
    case and(JSONCondition, JSONCondition)
    case or(JSONCondition, JSONCondition)

    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
        case any
    }

    enum Value: Sendable {
        case string(String)
        case number(Double)
        case regex(CompiledRegex)
    }

    func matches(_ event: JSONValue) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(event) && b.matches(event)
        case .or(let a, let b): return a.matches(event) || b.matches(event)
        case .notExists(let selector): return Self.select(selector, event).isEmpty
        case .isLiteral(let selector, let literal): return Self.select(selector, event).contains(literal)
        case .compare(let selector, let op, let value):
            let found = Self.select(selector, event)
            guard !found.isEmpty else { return false }
            if op == "!=" { return !found.contains { Self.equals($0, value) } }
            if op == "=" { return found.contains { Self.equals($0, value) } }
            guard case .number(let bound) = value else { return false }
            return found.contains { v in
                guard case .number(let t) = v, let n = Double(t) else { return false }
                switch op {
                case "<": return n < bound
                case "<=": return n <= bound
                case ">": return n > bound
                case ">=": return n >= bound
                default: return false
                }
            }
        }
    }

    static func equals(_ v: JSONValue, _ value: Value) -> Bool {
        switch (v, value) {
        case (.number(let t), .number(let n)): return Double(t) == n
        case (.string(let s), .string(let p)): return LogFilterPattern.wildcard(p, s)
        case (.string(let s), .regex(let r)): return r.matches(s)
        case (.number(let t), .string(let p)): return LogFilterPattern.wildcard(p, t)
        default: return false
        }
    }

    /// The values a selector reaches; `*` and arrays reach many.
    static func select(_ steps: [Step], _ value: JSONValue) -> [JSONValue] {
        var current = [value]
        for step in steps {
            var next: [JSONValue] = []
            for v in current {
                switch (step, v) {
                case (.key(let k), .object):
                    if let child = v[k] { next.append(child) }
                case (.index(let i), .array(let items)) where items.indices.contains(i):
                    next.append(items[i])
                case (.any, .object(let members)):
                    next += members.map(\.1)
                case (.any, .array(let items)):
                    next += items
                default: break
                }
            }
            current = next
        }
        return current
    }
}

struct JSONPatternParser {
    let chars: [Character]
    var i = 0

    init(text: String) { chars = Array(text) }

    mutating func parse() throws(LogsError) -> JSONCondition {
        skip()
        guard take("{") else { throw invalid() }
        let c = try or()
        skip()
        guard take("}") else { throw invalid() }
        skip()
        guard i == chars.count else { throw invalid() }
        return c
    }

    func invalid(_ detail: String = "") -> LogsError {
        .invalid("Invalid metric filter pattern" + (detail.isEmpty ? "" : ": \(detail)"))
    }

    mutating func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

    mutating func take(_ s: String) -> Bool {
        let a = Array(s)
        guard i + a.count <= chars.count, Array(chars[i..<i + a.count]) == a else { return false }
        i += a.count
        return true
    }

    mutating func or() throws(LogsError) -> JSONCondition {
        var left = try and()
        skip()
        while take("||") {
            left = .or(left, try and())
            skip()
        }
        return left
    }

    mutating func and() throws(LogsError) -> JSONCondition {
        var left = try term()
        skip()
        while take("&&") {
            left = .and(left, try term())
            skip()
        }
        return left
    }

    mutating func term() throws(LogsError) -> JSONCondition {
        skip()
        if take("(") {
            let c = try or()
            skip()
            guard take(")") else { throw invalid("missing closing parenthesis") }
            return c
        }
        let selector = try self.selector()
        skip()
        if take("IS") {
            skip()
            for (word, literal) in [("TRUE", JSONValue.bool(true)), ("FALSE", .bool(false)), ("NULL", .null)] where take(word) {
                return .isLiteral(selector: selector, literal)
            }
            throw invalid("IS takes TRUE, FALSE or NULL")
        }
        if take("NOT") {
            skip()
            guard take("EXISTS") else { throw invalid("NOT takes EXISTS") }
            return .notExists(selector: selector)
        }
        var op = ""
        for candidate in ["!=", "<=", ">=", "=", "<", ">"] where take(candidate) {
            op = candidate
            break
        }
        guard !op.isEmpty else { throw invalid("expected a comparison") }
        skip()
        let value = try self.value()
        if case .number = value {} else if !["=", "!="].contains(op) { throw invalid("\(op) compares numbers") }
        return .compare(selector: selector, op: op, value: value)
    }

    mutating func selector() throws(LogsError) -> [JSONCondition.Step] {
        guard take("$") else { throw invalid("a selector starts with $") }
        var steps: [JSONCondition.Step] = []
        while i < chars.count {
            if take(".") {
                if take("*") {
                    steps.append(.any)
                } else if take("['") {
                    var key = ""
                    while i < chars.count, chars[i] != "'" {
                        key.append(chars[i])
                        i += 1
                    }
                    guard take("']") else { throw invalid("unclosed ['") }
                    steps.append(.key(key))
                } else {
                    var key = ""
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" || chars[i] == "@" {
                        key.append(chars[i])
                        i += 1
                    }
                    guard !key.isEmpty else { throw invalid("empty selector step") }
                    steps.append(.key(key))
                }
            } else if take("[") {
                if take("*]") {
                    steps.append(.any)
                    continue
                }
                var digits = ""
                while i < chars.count, chars[i].isNumber {
                    digits.append(chars[i])
                    i += 1
                }
                guard let n = Int(digits), take("]") else { throw invalid("array index") }
                steps.append(.index(n))
            } else {
                break
            }
        }
        guard !steps.isEmpty else { throw invalid("empty selector") }
        return steps
    }

    mutating func value() throws(LogsError) -> JSONCondition.Value {
        if take("\"") {
            var s = ""
            while i < chars.count, chars[i] != "\"" {
                if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                s.append(chars[i])
                i += 1
            }
            guard take("\"") else { throw invalid("missing closing quote") }
            return .string(s)
        }
        if take("%") {
            var s = ""
            while i < chars.count, chars[i] != "%" {
                s.append(chars[i])
                i += 1
            }
            guard take("%") else { throw invalid("missing closing %") }
            return .regex(try LogFilterPattern.regex(s))
        }
        var s = ""
        while i < chars.count, !" )&|}".contains(chars[i]) {
            s.append(chars[i])
            i += 1
        }
        guard !s.isEmpty else { throw invalid("missing value") }
        if let n = Double(s) { return .number(n) }
        return .string(s)
    }
}

// MARK: - Space-delimited patterns

/// One field of `[ip, user, ..., status = 4* || status = 5*, bytes]`.
struct Field: Sendable {
    var name: String?
    var isEllipsis = false
    /// Alternatives (`||`) of conjunctions (`&&`) of conditions on this field.
    var conditions: [[(op: String, value: String)]] = []
}

enum DelimitedParser {
    static func parse(_ text: String) throws(LogsError) -> [Field] {
        guard text.hasSuffix("]") else { throw .invalid("Invalid metric filter pattern: missing ]") }
        let body = text.dropFirst().dropLast()
        var fields: [Field] = []
        for raw in splitTopLevel(String(body)) {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part == "..." {
                fields.append(Field(isEllipsis: true))
                continue
            }
            var field = Field()
            if part.isEmpty {
                fields.append(field)
                continue
            }
            for alternative in part.components(separatedBy: "||") {
                var conjunction: [(String, String)] = []
                for condition in alternative.components(separatedBy: "&&") {
                    let c = condition.trimmingCharacters(in: .whitespaces)
                    guard let (name, op, value) = split(c) else {
                        if !c.isEmpty, c.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                            field.name = c
                            continue
                        }
                        throw .invalid("Invalid character(s) in term '\(c)'")
                    }
                    if let existing = field.name, existing != name { throw .invalid("Invalid metric filter pattern: conditions name one field") }
                    field.name = name
                    conjunction.append((op, value))
                }
                if !conjunction.isEmpty { field.conditions.append(conjunction) }
            }
            fields.append(field)
        }
        return fields
    }

    /// Commas outside quotes.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle() }
            if c == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    /// `status = 4*` → (status, =, 4*).
    static func split(_ condition: String) -> (String, String, String)? {
        for op in ["!=", "<=", ">=", "=", "<", ">"] {
            if let r = condition.range(of: op) {
                let name = condition[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                var value = condition[r.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                guard !name.isEmpty, !value.isEmpty else { return nil }
                return (name, op, value)
            }
        }
        return nil
    }

    /// An event's fields: words split by spaces, with `"quoted text"` and `[bracketed text]` kept whole.
    static func words(_ message: String) -> [String] {
        var out: [String] = []
        var current = ""
        var closer: Character?
        for c in message {
            if let close = closer {
                if c == close {
                    closer = nil
                    out.append(current)
                    current = ""
                } else {
                    current.append(c)
                }
            } else if c == "\"" || c == "[" {
                if !current.isEmpty { out.append(current) }
                current = ""
                closer = c == "\"" ? "\"" : "]"
            } else if c == " " || c == "\t" {
                if !current.isEmpty { out.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func match(_ fields: [Field], _ message: String) -> LogFilterPattern.Match {
        let words = Self.words(message)
        // Align the fields with the words; each `...` takes what the others leave.
        let fixed = fields.filter { !$0.isEllipsis }.count
        let ellipses = fields.filter(\.isEllipsis).count
        guard ellipses > 0 ? words.count >= fixed : words.count == fixed else { return .init(matched: false) }
        let spare = words.count - fixed
        var extracted: [String: String] = [:]
        var w = 0
        var ellipsisSeen = 0
        for (position, field) in fields.enumerated() {
            if field.isEllipsis {
                // The first ellipsis takes all the spare words.
                let take = ellipsisSeen == 0 ? spare : 0
                ellipsisSeen += 1
                if take > 0 { extracted["$\(position + 1)"] = words[w..<w + take].joined(separator: " ") }
                w += take
                continue
            }
            let word = words[w]
            w += 1
            if !field.conditions.isEmpty, !field.conditions.contains(where: { conj in conj.allSatisfy { holds($0.op, $0.value, word) } }) {
                return .init(matched: false)
            }
            extracted[field.name.map { "$" + $0 } ?? "$\(position + 1)"] = word
        }
        return .init(matched: true, extracted: extracted)
    }

    static func holds(_ op: String, _ value: String, _ word: String) -> Bool {
        if let bound = Double(value), let n = Double(word) {
            switch op {
            case "=": return n == bound
            case "!=": return n != bound
            case "<": return n < bound
            case "<=": return n <= bound
            case ">": return n > bound
            case ">=": return n >= bound
            default: return false
            }
        }
        switch op {
        case "=": return LogFilterPattern.wildcard(value, word)
        case "!=": return !LogFilterPattern.wildcard(value, word)
        default: return false
        }
    }
}
