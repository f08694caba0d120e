import Foundation

/// An event pattern as AWS's event-ruler defines it: EventBridge rules and SNS filter
/// policies both match with it.
///
/// A pattern compiles to alternatives (one per combination of `$or` branches); each maps
/// field paths (`detail.state`; nesting and dotted keys are the same path) to the matchers
/// any of which a value of that field must satisfy. An event matches when, for some
/// alternative, every path has a matching value, all taken from the same element of any
/// array they share.
public struct EventPattern: Sendable {
    /// The paths and matchers of one alternative.
    typealias Alternative = [String: [Matcher]]
    let alternatives: [Alternative]

    /// Why a pattern was refused: event-ruler's reason, followed by where it stopped.
    public struct Invalid: Error, Sendable, Equatable {
        /// `"source" must be an object or an array\n at [Source: (String)"…"; line: 1, column: 13]`.
        public let reason: String
        /// The reason alone, without the location.
        public let message: String
    }

    /// Compiles `text`; throws event-ruler's reason when it is not a pattern.
    public init(_ text: String) throws(Invalid) {
        var compiler = Compiler(tokens: PatternTokenizer(text))
        do {
            alternatives = try compiler.compile()
        } catch {
            let short = error.message.components(separatedBy: "\n at ").first ?? error.message
            throw Invalid(reason: error.message, message: short)
        }
    }

    /// The paths the pattern names, in any alternative.
    public var paths: Set<String> { Set(alternatives.flatMap(\.keys)) }

    /// How many field-value combinations the pattern describes (SNS caps it at 150).
    public var combinations: Int {
        alternatives.reduce(0) { total, alt in total + alt.values.reduce(1) { $0 * max(1, $1.count) } }
    }

    // MARK: Matching

    /// Whether `event` matches.
    public func matches(_ event: JSONValue) -> Bool {
        var leaves: [String: [Leaf]] = [:]
        var arrays = 0
        Self.flatten(event, path: "", in: [], into: &leaves, arrays: &arrays)
        return alternatives.contains { Self.matches($0, leaves) }
    }

    /// A scalar of the event, with the array elements it sits in (array id → index).
    struct Leaf {
        let value: JSONValue
        let arrays: [(id: Int, index: Int)]
    }

    static func flatten(_ value: JSONValue, path: String, in arrays: [(id: Int, index: Int)], into leaves: inout [String: [Leaf]], arrays count: inout Int) {
        switch value {
        case .object(let members):
            for (key, child) in members { flatten(child, path: path.isEmpty ? key : path + "." + key, in: arrays, into: &leaves, arrays: &count) }
        case .array(let items):
            count += 1
            let id = count
            for (i, item) in items.enumerated() { flatten(item, path: path, in: arrays + [(id, i)], into: &leaves, arrays: &count) }
        default:
            leaves[path, default: []].append(Leaf(value: value, arrays: arrays))
        }
    }

    /// Whether the paths can all be matched with values from consistent array elements.
    static func matches(_ alternative: Alternative, _ leaves: [String: [Leaf]]) -> Bool {
        let paths = alternative.keys.sorted()
        func search(_ i: Int, _ chosen: [Int: Int]) -> Bool {
            guard i < paths.count else { return true }
            let matchers = alternative[paths[i]] ?? []
            let values = leaves[paths[i]] ?? []
            if values.isEmpty { return matchers.contains { $0.matchesAbsence } && search(i + 1, chosen) }
            for leaf in values where matchers.contains(where: { $0.matches(leaf.value) }) {
                var next = chosen
                var consistent = true
                for (id, index) in leaf.arrays {
                    if let taken = next[id], taken != index {
                        consistent = false
                        break
                    }
                    next[id] = index
                }
                if consistent, search(i + 1, next) { return true }
            }
            return false
        }
        return search(0, [:])
    }
}

/// One way a value can match.
enum Matcher: Sendable {
    case exactString(String)
    case exactNumber(text: String, value: Double?)
    case exactLiteral(JSONValue)
    case ip(IPRange)
    case prefix(String, ignoringCase: Bool)
    case suffix(String, ignoringCase: Bool)
    case equalsIgnoringCase(String)
    case wildcard(Wildcard)
    case anythingBut(strings: Set<String>, numbers: [Double])
    case anythingButPrefix([String])
    case anythingButSuffix([String])
    case anythingButIgnoringCase([String])
    case anythingButWildcard([Wildcard])
    case numeric(NumericRange)
    case exists(Bool)
    case cidr(IPRange)

    var matchesAbsence: Bool { if case .exists(false) = self { true } else { false } }

    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .exactString(let s): return value == .string(s)
        case .exactNumber(let text, let number):
            guard case .number(let t) = value else { return false }
            return t == text || (number != nil && Double(t) == number)
        case .exactLiteral(let l): return value == l
        case .ip(let range), .cidr(let range):
            guard case .string(let s) = value, let ip = IPRange.address(s) else { return false }
            return range.contains(ip)
        case .prefix(let p, let fold):
            guard case .string(let s) = value else { return false }
            return fold ? s.lowercased().hasPrefix(p.lowercased()) : s.utf8.starts(with: p.utf8)
        case .suffix(let p, let fold):
            guard case .string(let s) = value else { return false }
            return fold ? s.lowercased().hasSuffix(p.lowercased()) : s.utf8.reversed().starts(with: p.utf8.reversed())
        case .equalsIgnoringCase(let p):
            guard case .string(let s) = value else { return false }
            return s.lowercased() == p.lowercased()
        case .wildcard(let w):
            guard case .string(let s) = value else { return false }
            return w.matches(s)
        case .anythingBut(let strings, let numbers):
            if !numbers.isEmpty {
                guard case .number(let t) = value, let n = Double(t) else { return false }
                return !numbers.contains(n)
            }
            if case .string(let s) = value { return !strings.contains(s) }
            return true
        case .anythingButPrefix(let ps):
            guard case .string(let s) = value else { return false }
            return !ps.contains { s.utf8.starts(with: $0.utf8) }
        case .anythingButSuffix(let ps):
            guard case .string(let s) = value else { return false }
            return !ps.contains { s.utf8.reversed().starts(with: $0.utf8.reversed()) }
        case .anythingButIgnoringCase(let ps):
            guard case .string(let s) = value else { return false }
            return !ps.contains { $0.lowercased() == s.lowercased() }
        case .anythingButWildcard(let ws):
            guard case .string(let s) = value else { return false }
            return !ws.contains { $0.matches(s) }
        case .numeric(let range):
            guard case .number(let t) = value, let n = Double(t) else { return false }
            return range.contains(n)
        case .exists(let present):
            return present
        }
    }
}

/// `numeric`: a bound below, a bound above, or both.
struct NumericRange: Sendable {
    var low: (value: Double, open: Bool)?
    var high: (value: Double, open: Bool)?

    func contains(_ n: Double) -> Bool {
        if let low, low.open ? !(n > low.value) : !(n >= low.value) { return false }
        if let high, high.open ? !(n < high.value) : !(n <= high.value) { return false }
        return true
    }
}

/// A wildcard pattern: `*` matches any run of characters, `\*` and `\\` stand for themselves.
struct Wildcard: Sendable {
    enum Piece: Equatable, Sendable {
        case literal([UInt8])
        case star
    }

    let pieces: [Piece]

    /// Parses `text`, refusing consecutive stars and other escapes as event-ruler does.
    init(_ text: String) throws(WildcardError) {
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "*") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") { throw WildcardError(message: "Consecutive wildcard characters at pos \(i)") }
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = []
                pieces.append(.star)
            } else if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") || bytes[i + 1] == UInt8(ascii: "\\") else {
                    throw WildcardError(message: "Invalid escape character at pos \(i)")
                }
                literal.append(bytes[i + 1])
                i += 1
            } else {
                literal.append(b)
            }
            i += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    struct WildcardError: Error {
        let message: String
    }

    func matches(_ text: String) -> Bool {
        let t = Array(text.utf8)
        // Greedy with backtracking to the last star: linear in practice, never exponential.
        var ti = 0
        var pi = 0
        var resumeAt: (piece: Int, text: Int)?
        while true {
            if pi == pieces.count {
                if ti == t.count { return true }
            } else {
                switch pieces[pi] {
                case .star:
                    resumeAt = (pi, ti)
                    pi += 1
                    continue
                case .literal(let l):
                    if t.count - ti >= l.count, t[ti..<ti + l.count].elementsEqual(l) {
                        ti += l.count
                        pi += 1
                        continue
                    }
                }
            }
            guard let r = resumeAt, r.text < t.count else { return false }
            resumeAt = (r.piece, r.text + 1)
            pi = r.piece + 1
            ti = r.text + 1
        }
    }
}

/// An IPv4 or IPv6 address range (a single address, or a CIDR block).
struct IPRange: Sendable {
    let low: [UInt8]
    let high: [UInt8]

    func contains(_ address: [UInt8]) -> Bool {
        address.count == low.count && !address.lexicographicallyPrecedes(low) && !high.lexicographicallyPrecedes(address)
    }

    /// `10.0.0.0/24`, `2001:db8::/32`; throws event-ruler's reason.
    static func cidr(_ text: String) throws(CIDRError) -> IPRange {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw CIDRError(message: "Malformed CIDR, one '/' required") }
        guard let bits = Int(parts[1]) else { throw CIDRError(message: "Malformed CIDR, mask bits must be an integer") }
        guard bits >= 0 else { throw CIDRError(message: "Malformed CIDR, mask bits must not be negative") }
        guard let base = address(String(parts[0])) else { throw CIDRError(message: "Invalid IP address: \(parts[0])") }
        if base.count == 4, bits > 32 { throw CIDRError(message: "IPv4 mask bits must be < 32") }
        if base.count == 16, bits > 128 { throw CIDRError(message: "IPv6 mask bits must be < 128") }
        var low = base
        var high = base
        for i in 0..<base.count {
            let fixed = max(0, min(8, bits - i * 8))
            let mask: UInt8 = fixed == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - fixed))
            low[i] = base[i] & mask
            high[i] = base[i] | ~mask
        }
        return IPRange(low: low, high: high)
    }

    struct CIDRError: Error {
        let message: String
    }

    /// A single address, when `text` is one.
    static func single(_ text: String) -> IPRange? { address(text).map { IPRange(low: $0, high: $0) } }

    /// The bytes of an IPv4 (4) or IPv6 (16) address.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
