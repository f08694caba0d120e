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
    /// The model as a graph: each shape once, its members' shapes by position, so a check
    /// neither hashes shape names nor copies shapes as it walks a request.
    final class Node: Sendable {
        let shape: ShapeModel
        let members: [(name: String, node: Int, required: Bool, enforced: Bool)]
        let member: Int?
        let key: Int?
        let value: Int?
        let pattern: PatternCache.Compiled?

        init(_ name: String, _ shape: ShapeModel, index: [String: Int], unenforced: Set<String>) {
            self.shape = shape
            pattern = shape.pattern.map(PatternCache.shared.compiled)
            // A member whose shape the model lacks (-1) is still required, never checked further.
            members = shape.members.map { m in
                (m.name, index[m.shape] ?? -1, shape.required.contains(m.name), unenforced.isEmpty || !unenforced.contains("\(name).\(m.name)"))
            }
            member = shape.member.flatMap { index[$0] }
            key = shape.key.flatMap { index[$0] }
            value = shape.value.flatMap { index[$0] }
        }
    }

    /// A shape and those it reaches, each once; the shape itself is the first.
    struct Graph: Sendable {
        let nodes: [Node]
    }

    private let model: ServiceModel
    private let unenforced: Set<String>
    /// Each checked shape's graph (it and the shapes it reaches), built when first checked:
    /// a daemon starts every service, a request reaches a few shapes of its model, and a
    /// service's whole model (SSM's has thousands of shapes) was a tenth of start-up.
    private let built = Built()

    final class Built: Sendable {
        let graphs = Mutex<[String: Graph]>([:])
    }

    public init(_ model: ServiceModel, unenforced: Set<String> = []) {
        self.model = model
        self.unenforced = unenforced
    }

    private func graph(of root: String) -> Graph? {
        built.graphs.withLock { graphs in
            if let graph = graphs[root] { return graph }
            var index: [String: Int] = [:]
            var reached: [(String, ShapeModel)] = []
            var pending = [root]
            while let name = pending.popLast() {
                guard index[name] == nil, let shape = model.shapes[name] else { continue }
                index[name] = reached.count
                reached.append((name, shape))
                pending += shape.members.map(\.shape)
                pending += [shape.member, shape.key, shape.value].compactMap { $0 }
            }
            guard !reached.isEmpty else { return nil }
            let made = Graph(nodes: reached.map { Node($0.0, $0.1, index: index, unenforced: unenforced) })
            graphs[root] = made
            return made
        }
    }

    /// Every violation in `value`, an instance of the shape `name`.
    public func violations(of value: JSONValue, shape name: String) -> [ConstraintViolation] {
        guard let graph = graph(of: name) else { return [] }
        var out: [ConstraintViolation] = []
        var path: [Step] = []
        check(value, node: 0, in: graph.nodes, path: &path, into: &out, depth: 0)
        return out
    }

    /// Where a value sits; spelled out (`logEvents.1.member.message`) only for a violation, as
    /// most requests have none.
    private enum Step {
        case member(String)
        case index(Int)
        case key(String)
    }

    private static func render(_ steps: [Step]) -> String {
        var path = ""
        for step in steps {
            switch step {
            case .member(let name): path = path.isEmpty ? lowerFirst(name) : path + "." + lowerFirst(name)
            case .index(let i): path += ".\(i + 1).member"
            case .key(let k): path += "." + k
            }
        }
        return path
    }

    private func check(_ value: JSONValue, node n: Int, in nodes: [Node], path: inout [Step], into out: inout [ConstraintViolation], depth: Int) {
        guard depth < 32, n >= 0 else { return }
        let node = nodes[n]
        let shape = node.shape
        switch (shape.kind, value) {
        case (.structure, .object):
            for member in node.members {
                guard let v = value[member.name], v != .null else {
                    if member.required { out.append(.notNull(Self.render(path + [.member(member.name)]))) }
                    continue
                }
                guard member.enforced else { continue }
                path.append(.member(member.name))
                check(v, node: member.node, in: nodes, path: &path, into: &out, depth: depth + 1)
                path.removeLast()
            }
        case (.string, .string(let s)):
            let shown = { shape.sensitive ? nil : "'\(s)'" }
            if shape.min != nil || shape.max != nil { length(s.utf16.count, shape, path, shown(), &out) }
            if let pattern = node.pattern, !pattern.matches(s) { out.append(.pattern(Self.render(path), shown(), shape.pattern ?? "")) }
            if let values = shape.enumValues, !values.contains(s) { out.append(.enumValue(Self.render(path), shown(), values)) }
        case (.integer, .number(let n)), (.long, .number(let n)), (.double, .number(let n)):
            guard shape.min != nil || shape.max != nil, let d = Double(n) else { return }
            let shown = shape.sensitive ? nil : "'\(n)'"
            if let min = shape.min, d < min { out.append(.minValue(Self.render(path), shown, Self.number(min))) }
            if let max = shape.max, d > max { out.append(.maxValue(Self.render(path), shown, Self.number(max))) }
        case (.list, .array(let items)):
            length(items.count, shape, path, shape.sensitive ? nil : "'\(Self.javaText(value))'", &out)
            guard let member = node.member else { return }
            for (i, item) in items.enumerated() where item != .null {
                path.append(.index(i))
                check(item, node: member, in: nodes, path: &path, into: &out, depth: depth + 1)
                path.removeLast()
            }
        case (.map, .object(let entries)):
            length(entries.count, shape, path, "'\(Self.javaText(value))'", &out)
            for (k, v) in entries {
                if let key = node.key { check(.string(k), node: key, in: nodes, path: &path, into: &out, depth: depth + 1) }
                if let valueNode = node.value, v != .null {
                    path.append(.key(k))
                    check(v, node: valueNode, in: nodes, path: &path, into: &out, depth: depth + 1)
                    path.removeLast()
                }
            }
        case (.blob, .string(let s)):
            guard shape.min != nil || shape.max != nil else { return }
            length(Data(base64Encoded: s)?.count ?? s.utf8.count, shape, path, nil, &out)
        default:
            return  // a value of another type: decoding reports it
        }
    }

    /// `shown` (the value as the message quotes it) is only worked out for a violation.
    private func length(_ n: Int, _ shape: ShapeModel, _ path: [Step], _ shown: @autoclosure () -> String?, _ out: inout [ConstraintViolation]) {
        if let min = shape.min, Double(n) < min { out.append(.minLength(Self.render(path), shown(), Int(min))) }
        if let max = shape.max, Double(n) > max { out.append(.maxLength(Self.render(path), shown(), Int(max))) }
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

    /// One model pattern, compiled once, with the answers it gave.
    final class Compiled: Sendable {
        let pattern: String
        let byteClass: ByteClass?
        /// Compiled at its first value that needs it (most are byte classes, many never come).
        private let compiled = Mutex<CompiledRegex?>(nil)
        /// The same few names come back on every call (a function's, its qualifier): a Regex
        /// match costs thousands of instructions, a remembered answer a hash.
        private let answers = Mutex<[String: Bool]>([:])

        /// Regex is not Sendable; a compiled one is only read.
        struct CompiledRegex: @unchecked Sendable { let regex: Regex<AnyRegexOutput>? }

        /// The other patterns botocore's models use, for printable-ASCII text: built at the
        /// first value that needs it. A checked input's graph reaches every pattern of every
        /// member it may have, and building their automata was a sixth of the stack's
        /// deployment at start-up, for members no call set.
        private let automaton = Mutex<Automaton>(.unbuilt)

        enum Automaton: Sendable {
            case unbuilt
            case built(BytePattern?)
        }

        init(_ pattern: String) {
            self.pattern = pattern
            byteClass = ByteClass(pattern)
        }

        var bytePattern: BytePattern? {
            guard byteClass == nil else { return nil }
            return automaton.withLock { state in
                if case .built(let built) = state { return built }
                let built = BytePattern(pattern)
                state = .built(built)
                return built
            }
        }

        func matches(_ text: String) -> Bool {
            if let byteClass, let answer = byteClass.matches(text) { return answer }
            if let known = answers.withLock({ $0[text] }) { return known }
            let answer: Bool
            if let bytePattern, let bytes = bytePattern.matches(text) {
                answer = bytes
            } else {
                let regex = compiled.withLock { c in
                    if let c { return c.regex }
                    let made = CompiledRegex(regex: try? Regex(PatternCache.swiftSyntax(pattern)))
                    c = made
                    return made.regex
                }
                // A pattern Swift cannot compile is not enforced rather than refusing every value.
                guard let regex else { return true }
                answer = (try? regex.wholeMatch(in: text)) != nil
            }
            if text.utf8.count <= 256 {
                answers.withLock { answers in
                    if answers.count >= 1024 { answers.removeAll(keepingCapacity: true) }
                    answers[text] = answer
                }
            }
            return answer
        }
    }

    private let cache = Mutex<[String: Compiled]>([:])

    func compiled(_ pattern: String) -> Compiled {
        if let c = cache.withLock({ $0[pattern] }) { return c }
        let c = Compiled(pattern)
        return cache.withLock { cache in
            if let existing = cache[pattern] { return existing }
            cache[pattern] = c
            return c
        }
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

/// Most model patterns are one character class repeated (`[\.\-_/#A-Za-z0-9]+`, `[^:*]*`): those
/// are checked byte by byte, for printable ASCII text, as the Regex would decide (a Regex match
/// cost tens of thousands of instructions, on every request naming a log group or a role).
struct ByteClass: Sendable {
    private var bits: (UInt64, UInt64) = (0, 0)
    private var negated = false
    private var allowsEmpty = false

    /// nil unless `pattern` is `^?[class](+|*)$?` with a class of ASCII characters, ranges,
    /// escaped punctuation, `\w`, `\d` or `\s`.
    init?(_ pattern: String) {
        var p = Array(pattern.utf8)
        if p.first == UInt8(ascii: "^") { p.removeFirst() }
        if p.last == UInt8(ascii: "$") { p.removeLast() }
        // `.*` and `.+`: any text without a line break, which printable ASCII is.
        if p.count == 2, p[0] == UInt8(ascii: "."), p[1] == UInt8(ascii: "*") || p[1] == UInt8(ascii: "+") {
            allowsEmpty = p[1] == UInt8(ascii: "*")
            for b in UInt8(0x20)..<0x7F { add([b]) }
            return
        }
        guard p.count >= 4, p.first == UInt8(ascii: "["), let quantifier = p.last, quantifier == UInt8(ascii: "+") || quantifier == UInt8(ascii: "*"),
            p[p.count - 2] == UInt8(ascii: "]")
        else { return nil }
        allowsEmpty = quantifier == UInt8(ascii: "*")
        var body = p[1..<(p.count - 2)]
        if body.first == UInt8(ascii: "^") {
            negated = true
            body = body.dropFirst()
        }
        // Items: a literal or escaped character, or a range of two.
        var i = body.startIndex
        while i < body.endIndex {
            var c = body[i]
            guard c >= 0x20, c < 0x7F, c != UInt8(ascii: "["), c != UInt8(ascii: "&") else { return nil }
            if c == UInt8(ascii: "]") { return nil }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < body.endIndex else { return nil }
                let e = body[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "w"): add(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_".utf8))
                case UInt8(ascii: "d"): add(Array("0123456789".utf8))
                case UInt8(ascii: "s"): add([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D])
                case UInt8(ascii: "u"), UInt8(ascii: "x"):
                    // \uXXXX or \xHH, alone or as a range's ends: only its ASCII part matters to
                    // printable ASCII text (the rest is left to the Regex).
                    let digits = e == UInt8(ascii: "u") ? 4 : 2
                    guard let low = Self.code(body, at: i, digits: digits) else { return nil }
                    i += digits
                    var high = low
                    if i + 1 < body.endIndex, body[i] == UInt8(ascii: "-") {
                        guard i + 2 < body.endIndex, body[i + 1] == UInt8(ascii: "\\"), body[i + 2] == e,
                            let end = Self.code(body, at: i + 3, digits: digits), end >= low
                        else { return nil }
                        high = end
                        i += 3 + digits
                    }
                    if low < 0x80 { for b in low...min(high, 0x7F) { add([UInt8(b)]) } }
                    continue
                default:
                    // Escaped punctuation stands for itself; a letter or digit escape (\u, \p, \S) does not.
                    guard e >= 0x21, e < 0x7F, !(e >= UInt8(ascii: "0") && e <= UInt8(ascii: "9")),
                        !(e | 0x20 >= UInt8(ascii: "a") && e | 0x20 <= UInt8(ascii: "z"))
                    else { return nil }
                    add([e])
                }
                // An escape starting a range (`\.-z`) is left to the Regex.
                if i + 1 < body.endIndex, body[i] == UInt8(ascii: "-") { return nil }
                continue
            }
            i += 1
            if i + 1 < body.endIndex, body[i] == UInt8(ascii: "-") {
                let high = body[i + 1]
                guard high >= c, high < 0x7F, high != UInt8(ascii: "\\"), high != UInt8(ascii: "[") else { return nil }
                while c <= high {
                    add([c])
                    if c == high { break }
                    c += 1
                }
                i += 2
                continue
            }
            add([c])
        }
    }

    private static func code(_ body: ArraySlice<UInt8>, at start: Int, digits: Int) -> UInt32? {
        guard start + digits <= body.endIndex else { return nil }
        var value: UInt32 = 0
        for b in body[start..<(start + digits)] {
            guard let d = UInt32(String(UnicodeScalar(b)), radix: 16) else { return nil }
            value = value << 4 | d
        }
        return value
    }

    private mutating func add(_ bytes: [UInt8]) {
        for b in bytes where b < 0x80 {
            if b < 64 { bits.0 |= 1 << UInt64(b) } else { bits.1 |= 1 << UInt64(b - 64) }
        }
    }

    private func contains(_ b: UInt8) -> Bool {
        b < 64 ? bits.0 & (1 << UInt64(b)) != 0 : bits.1 & (1 << UInt64(b - 64)) != 0
    }

    /// Whether `text` matches; nil when it is not all printable ASCII (the Regex decides those).
    func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            if bytes.isEmpty { return allowsEmpty }
            var all = true
            for b in bytes {
                guard b >= 0x20, b < 0x7F else { return nil }
                if contains(b) == negated { all = false }
            }
            return all
        }
    }
}

/// Whether every pattern of `model` compiles as Swift Regex.
public func uncompilablePatterns(_ model: ServiceModel) -> [String] {
    model.shapes.values.compactMap(\.pattern).filter { !PatternCache.compiles($0) }
}

/// The patterns of `model` whose byte-class check answers `samples` otherwise than the Regex.
public func byteClassDisagreements(_ model: ServiceModel, samples: [String]) -> [String] {
    Set(model.shapes.values.compactMap(\.pattern)).sorted().filter { pattern in
        guard let byteClass = ByteClass(pattern), let regex = try? Regex(PatternCache.swiftSyntax(pattern)) else { return false }
        return samples.contains { text in byteClass.matches(text).map { $0 != ((try? regex.wholeMatch(in: text)) != nil) } ?? false }
    }
}

/// Whether `BytePattern` reads `pattern` and answers differently from the Regex, on texts
/// made from the pattern's own automaton (paths to acceptance, then each with one byte
/// changed, dropped or doubled) and `samples`.
public func bytePatternDisagrees(_ pattern: String, samples: [String], seed: UInt64 = 1, walks: Int = 40) -> Bool {
    guard let automaton = BytePattern(pattern), let regex = try? Regex(PatternCache.swiftSyntax(pattern)) else { return false }
    var random = SplitMix(seed)
    var texts = samples
    for _ in 0..<walks {
        guard let walk = automaton.randomText(&random) else { continue }
        texts.append(walk)
        var bytes = Array(walk.utf8)
        guard !bytes.isEmpty else { continue }
        let i = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 3 {
        case 0: bytes[i] = UInt8(0x20 + random.next() % 95)
        case 1: bytes.remove(at: i)
        default: bytes.insert(bytes[i], at: i)
        }
        texts.append(String(decoding: bytes, as: UTF8.self))
    }
    return texts.contains { text in automaton.matches(text).map { $0 != ((try? regex.wholeMatch(in: text)) != nil) } ?? false }
}

/// How many patterns of `model` are matched without the Regex, as one class or as an automaton.
public func bytePatternCount(_ model: ServiceModel) -> (bytes: Int, all: Int) {
    let patterns = Set(model.shapes.values.compactMap(\.pattern))
    return (patterns.filter { ByteClass($0) != nil || BytePattern($0) != nil }.count, patterns.count)
}

/// A small seeded generator for the agreement checks.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension BytePattern {
    /// A printable text the automaton accepts, from a random walk (nil if the walk strays).
    func randomText(_ random: inout SplitMix) -> String? {
        var state = start
        var out: [UInt8] = []
        for _ in 0..<400 {
            if state == accept, random.next() % 4 == 0 || edges[state].isEmpty { return String(decoding: out, as: UTF8.self) }
            guard !edges[state].isEmpty else { return nil }
            switch edges[state][Int(random.next() % UInt64(edges[state].count))] {
            case .bytes(let set, let to):
                let choices = (UInt8(0x20)..<0x7F).filter { set.contains($0) }
                guard !choices.isEmpty else { return nil }
                out.append(choices[Int(random.next() % UInt64(choices.count))])
                state = to
            case .empty(let to): state = to
            case .atStart(let to): guard out.isEmpty else { return nil }; state = to
            case .atEnd(let to): state = to
            }
        }
        return state == accept ? String(decoding: out, as: UTF8.self) : nil
    }
}

/// How many patterns of `model` are checked as byte classes.
public func byteClassPatternCount(_ model: ServiceModel) -> Int {
    Set(model.shapes.values.compactMap(\.pattern)).filter { ByteClass($0) != nil }.count
}
