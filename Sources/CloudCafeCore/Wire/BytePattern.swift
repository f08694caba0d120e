/// A model pattern matched as a set of automaton states over printable-ASCII text, without
/// Swift's Regex: compiling one Regex cost about a million instructions (a stack's deployment
/// met twenty of them before the first call was answered), and matching one thousands.
///
/// Covers what botocore's patterns use: literals, escapes (`\d \w \s \D \W \S`, escaped
/// punctuation, `\uXXXX`, `\xHH`, `\p{L} \p{N} \p{Z}`), classes with ranges and negation, `.`, groups (`( )`,
/// `(?: )`), alternation, `* + ? {n} {n,} {n,m}`, and `^ $`. Anything else (look-around,
/// back-references, properties, flags, lazy or possessive quantifiers) leaves the pattern to
/// the Regex, as does text that is not all printable ASCII. The states are simulated all
/// at once (Thompson's construction), so no text makes matching backtrack.
struct BytePattern: Sendable {
    /// One transition: on a byte of `set`, or on nothing (with `^`/`$` only at an end).
    enum Edge: Sendable {
        case bytes(ByteSet, to: Int)
        case empty(to: Int)
        case atStart(to: Int)
        case atEnd(to: Int)
    }

    let edges: [[Edge]]
    let start: Int
    let accept: Int

    /// Bits for the 128 ASCII bytes.
    struct ByteSet: Sendable, Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        func contains(_ b: UInt8) -> Bool { b < 64 ? low & (1 << UInt64(b)) != 0 : b < 128 && high & (1 << UInt64(b - 64)) != 0 }
        mutating func insert(_ b: UInt8) {
            if b < 64 { low |= 1 << UInt64(b) } else if b < 128 { high |= 1 << UInt64(b - 64) }
        }
        mutating func insert(_ range: ClosedRange<UInt32>) {
            guard range.lowerBound < 128 else { return }
            for b in range.lowerBound...min(range.upperBound, 127) { insert(UInt8(b)) }
        }
        mutating func formUnion(_ other: ByteSet) { (low, high) = (low | other.low, high | other.high) }
        var inverted: ByteSet { ByteSet(low: ~low, high: ~high) }

        static let digits: ByteSet = { var s = ByteSet(); s.insert(0x30...0x39); return s }()
        static let word: ByteSet = {
            var s = digits
            s.insert(0x41...0x5A)
            s.insert(0x61...0x7A)
            s.insert(UInt8(ascii: "_"))
            return s
        }()
        static let space: ByteSet = { var s = ByteSet(); s.insert(0x09...0x0D); s.insert(0x20); return s }()
        /// `.`: any character but a line break.
        static let any: ByteSet = { var s = ByteSet(); s.insert(0...127); return ByteSet(low: s.low & ~(1 << 10), high: s.high) }()
    }

    /// The most states a pattern may expand to (`{n,m}` copies its operand).
    static let stateLimit = 4096

    init?(_ pattern: String) {
        var parser = Parser(bytes: Array(pattern.utf8))
        guard let tree = parser.alternation(), parser.at == parser.bytes.count else { return nil }
        var builder = Builder()
        guard let (s, e) = builder.build(tree), builder.edges.count <= Self.stateLimit else { return nil }
        (edges, start, accept) = (builder.edges, s, e)
    }

    /// Whether all of `text` matches; nil when it is not all printable ASCII (the Regex decides those).
    func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            for b in bytes where b < 0x20 || b >= 0x7F { return nil }
            var current = [Bool](repeating: false, count: edges.count)
            var next = current
            var stack: [Int] = []
            close(start, at: 0, count: bytes.count, into: &current, stack: &stack)
            for (i, b) in bytes.enumerated() {
                for k in next.indices { next[k] = false }
                var any = false
                for state in current.indices where current[state] {
                    for edge in edges[state] {
                        if case .bytes(let set, let to) = edge, set.contains(b), !next[to] {
                            close(to, at: i + 1, count: bytes.count, into: &next, stack: &stack)
                            any = true
                        }
                    }
                }
                guard any else { return false }
                swap(&current, &next)
            }
            return current[accept]
        }
    }

    /// Adds `state` and every state reached from it without a byte, at position `at`.
    private func close(_ state: Int, at position: Int, count: Int, into set: inout [Bool], stack: inout [Int]) {
        guard !set[state] else { return }
        set[state] = true
        stack.append(state)
        while let s = stack.popLast() {
            for edge in edges[s] {
                let target: Int
                switch edge {
                case .bytes: continue
                case .empty(let to): target = to
                case .atStart(let to): guard position == 0 else { continue }; target = to
                case .atEnd(let to): guard position == count else { continue }; target = to
                }
                if !set[target] {
                    set[target] = true
                    stack.append(target)
                }
            }
        }
    }

    // MARK: - Parsing

    indirect enum Node {
        case bytes(ByteSet)
        case sequence([Node])
        case choice([Node])
        case repeated(Node, min: Int, max: Int?)
        case atStart
        case atEnd
    }

    struct Parser {
        let bytes: [UInt8]
        var at = 0

        var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func alternation() -> Node? {
            var options: [Node] = []
            while true {
                guard let s = sequence() else { return nil }
                options.append(s)
                guard peek == UInt8(ascii: "|") else { break }
                at += 1
            }
            return options.count == 1 ? options[0] : .choice(options)
        }

        mutating func sequence() -> Node? {
            var items: [Node] = []
            while let c = peek, c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
                guard let atom = atom(), let quantified = quantifier(atom) else { return nil }
                items.append(quantified)
            }
            return .sequence(items)
        }

        mutating func atom() -> Node? {
            guard let c = peek else { return nil }
            at += 1
            switch c {
            case UInt8(ascii: "("):
                if peek == UInt8(ascii: "?") {
                    guard at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: ":") else { return nil }  // look-around, names, flags
                    at += 2
                }
                guard let inner = alternation(), peek == UInt8(ascii: ")") else { return nil }
                at += 1
                return inner
            case UInt8(ascii: "["): return characterClass().map(Node.bytes)
            case UInt8(ascii: "."): return .bytes(.any)
            case UInt8(ascii: "^"): return .atStart
            case UInt8(ascii: "$"): return .atEnd
            case UInt8(ascii: "\\"): return escape(inClass: false).map(Node.bytes)
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "]"): return nil
            default:
                guard c >= 0x20, c < 0x7F else { return nil }
                var s = ByteSet()
                s.insert(c)
                return .bytes(s)
            }
        }

        mutating func quantifier(_ atom: Node) -> Node? {
            let bounds: (Int, Int?)
            switch peek {
            case UInt8(ascii: "*"): at += 1; bounds = (0, nil)
            case UInt8(ascii: "+"): at += 1; bounds = (1, nil)
            case UInt8(ascii: "?"): at += 1; bounds = (0, 1)
            case UInt8(ascii: "{"):
                at += 1
                guard let low = number() else { return nil }
                var high: Int? = low
                if peek == UInt8(ascii: ",") {
                    at += 1
                    high = peek == UInt8(ascii: "}") ? nil : number()
                    if high == nil, peek != UInt8(ascii: "}") { return nil }
                }
                guard peek == UInt8(ascii: "}"), high.map({ $0 >= low }) ?? true else { return nil }
                at += 1
                bounds = (low, high)
            default: return atom
            }
            // Lazy and possessive forms, and a quantifier on a quantifier, are the Regex's.
            if let c = peek, c == UInt8(ascii: "?") || c == UInt8(ascii: "+") || c == UInt8(ascii: "*") || c == UInt8(ascii: "{") { return nil }
            if case .atStart = atom { return nil }
            if case .atEnd = atom { return nil }
            return .repeated(atom, min: bounds.0, max: bounds.1)
        }

        mutating func number() -> Int? {
            var n = 0
            var digits = 0
            while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), digits < 5 {
                n = n * 10 + Int(c - UInt8(ascii: "0"))
                digits += 1
                at += 1
            }
            return digits > 0 ? n : nil
        }

        /// After `[`: the class up to its `]`.
        mutating func characterClass() -> ByteSet? {
            var set = ByteSet()
            var negated = false
            if peek == UInt8(ascii: "^") {
                negated = true
                at += 1
            }
            // A `]` first does not compile as Swift's Regex reads it.
            guard peek != UInt8(ascii: "]") else { return nil }
            var afterRange = false
            while let c = peek {
                if c == UInt8(ascii: "]") {
                    at += 1
                    return negated ? set.inverted : set
                }
                // Nested classes and set operations (`&&`, `--`, `~~`) are the Regex's.
                let doubled = at + 1 < bytes.count && bytes[at + 1] == c
                guard c != UInt8(ascii: "["), !(doubled && (c == UInt8(ascii: "&") || c == UInt8(ascii: "-") || c == UInt8(ascii: "~"))) else {
                    return nil
                }
                // Right after a range a `-` stands for itself (`[0-9-_]`), as the Regex reads it.
                if afterRange, c == UInt8(ascii: "-") {
                    at += 1
                    set.insert(c)
                    afterRange = false
                    continue
                }
                afterRange = false
                guard let (low, single) = classAtom() else { return nil }
                if peek == UInt8(ascii: "-"), at + 1 < bytes.count, bytes[at + 1] != UInt8(ascii: "]") {
                    // A range: both ends single characters.
                    at += 1
                    guard let low, let (high, single2) = classAtom(), let high, single2 == nil, single == nil, high >= low else { return nil }
                    set.insert(low...high)
                    afterRange = true
                } else if let single {
                    set.formUnion(single)
                } else if let low {
                    set.insert(low...low)
                }
            }
            return nil
        }

        /// One member of a class: a character (its code) or a set (`\d`, `\w`, …).
        mutating func classAtom() -> (UInt32?, ByteSet?)? {
            guard let c = peek else { return nil }
            at += 1
            if c == UInt8(ascii: "\\") {
                if let code = code() { return (code, nil) }
                guard let set = escape(inClass: true) else { return nil }
                return (nil, set)
            }
            guard c >= 0x20, c < 0x7F else { return nil }
            return (UInt32(c), nil)
        }

        /// After `\`: `\uXXXX` or `\xHH` as a code, when that is what follows.
        mutating func code() -> UInt32? {
            guard let c = peek, c == UInt8(ascii: "u") || c == UInt8(ascii: "x") else { return nil }
            let digits = c == UInt8(ascii: "u") ? 4 : 2
            guard at + digits < bytes.count else { return nil }
            var value: UInt32 = 0
            for b in bytes[(at + 1)...(at + digits)] {
                guard let d = Self.hex(b) else { return nil }
                value = value << 4 | d
            }
            at += 1 + digits
            return value
        }

        static func hex(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// After `\`: the set the escape stands for.
        mutating func escape(inClass: Bool) -> ByteSet? {
            if let code = code() {
                var s = ByteSet()
                s.insert(code...code)
                return s
            }
            guard let e = peek else { return nil }
            at += 1
            switch e {
            case UInt8(ascii: "d"): return .digits
            case UInt8(ascii: "D"): return ByteSet.digits.inverted
            case UInt8(ascii: "w"): return .word
            case UInt8(ascii: "W"): return ByteSet.word.inverted
            case UInt8(ascii: "s"): return .space
            case UInt8(ascii: "S"): return ByteSet.space.inverted
            case UInt8(ascii: "p"):
                // `\p{L}` letters, `\p{N}` numbers, `\p{Z}` separators: of ASCII, these.
                guard at + 2 < bytes.count, bytes[at] == UInt8(ascii: "{"), bytes[at + 2] == UInt8(ascii: "}") else { return nil }
                let category = bytes[at + 1]
                at += 3
                var s = ByteSet()
                switch category {
                case UInt8(ascii: "L"): s.insert(0x41...0x5A); s.insert(0x61...0x7A)
                case UInt8(ascii: "N"): s = .digits
                case UInt8(ascii: "Z"): s.insert(0x20)
                default: return nil
                }
                return s
            case UInt8(ascii: "t"): var s = ByteSet(); s.insert(0x09); return s
            case UInt8(ascii: "n"): var s = ByteSet(); s.insert(0x0A); return s
            case UInt8(ascii: "r"): var s = ByteSet(); s.insert(0x0D); return s
            default:
                // Escaped punctuation stands for itself; other letters and digits mean more.
                guard e >= 0x21, e < 0x7F, !(e >= UInt8(ascii: "0") && e <= UInt8(ascii: "9")),
                    !(e | 0x20 >= UInt8(ascii: "a") && e | 0x20 <= UInt8(ascii: "z"))
                else { return nil }
                var s = ByteSet()
                s.insert(e)
                return s
            }
        }
    }

    // MARK: - Construction

    struct Builder {
        var edges: [[Edge]] = []

        mutating func state() -> Int {
            edges.append([])
            return edges.count - 1
        }

        /// The start and accepting states of `node`'s automaton; nil past the state limit.
        mutating func build(_ node: Node) -> (Int, Int)? {
            guard edges.count <= BytePattern.stateLimit else { return nil }
            switch node {
            case .bytes(let set):
                let (s, e) = (state(), state())
                edges[s].append(.bytes(set, to: e))
                return (s, e)
            case .atStart, .atEnd:
                let (s, e) = (state(), state())
                edges[s].append(node.isStart ? .atStart(to: e) : .atEnd(to: e))
                return (s, e)
            case .sequence(let items):
                let s = state()
                var end = s
                for item in items {
                    guard let (a, b) = build(item) else { return nil }
                    edges[end].append(.empty(to: a))
                    end = b
                }
                return (s, end)
            case .choice(let options):
                let (s, e) = (state(), state())
                for option in options {
                    guard let (a, b) = build(option) else { return nil }
                    edges[s].append(.empty(to: a))
                    edges[b].append(.empty(to: e))
                }
                return (s, e)
            case .repeated(let item, let min, let max):
                let s = state()
                var end = s
                for _ in 0..<min {
                    guard let (a, b) = build(item) else { return nil }
                    edges[end].append(.empty(to: a))
                    end = b
                }
                if let max {
                    for _ in min..<max {
                        guard let (a, b) = build(item) else { return nil }
                        let after = state()
                        edges[end].append(.empty(to: a))
                        edges[end].append(.empty(to: after))
                        edges[b].append(.empty(to: after))
                        end = after
                    }
                } else {
                    guard let (a, b) = build(item) else { return nil }
                    let loop = state()
                    edges[end].append(.empty(to: loop))
                    edges[loop].append(.empty(to: a))
                    edges[b].append(.empty(to: loop))
                    end = loop
                }
                return (s, end)
            }
        }
    }
}

extension BytePattern.Node {
    var isStart: Bool {
        if case .atStart = self { return true }
        return false
    }
}
