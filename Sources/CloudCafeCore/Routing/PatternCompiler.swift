import Foundation

/// Turns a pattern's text into `EventPattern.Alternative`s, refusing what event-ruler refuses,
/// with its words, in its order of checks.
struct Compiler {
    var tokens: PatternTokenizer
    typealias Failure = PatternTokenizer.Failure
    typealias Alternative = EventPattern.Alternative

    /// Field names `$or` branches may not use.
    static let reservedInOr: Set<String> = [
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
        "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
        "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range", "ip-address-not-in-range",
    ]

    mutating func compile() throws(Failure) -> [Alternative] {
        guard try tokens.next() == .startObject else { throw tokens.failure("Filter is not an object") }
        var rules: [Alternative] = []
        try parseObject(&rules, path: [], insideOr: false)
        return rules.isEmpty ? [[:]] : rules
    }

    private func name(_ path: [String], _ step: String) -> String { (path + [step]).joined(separator: ".") }

    private mutating func parseObject(_ rules: inout [Alternative], path: [String], insideOr: Bool) throws(Failure) {
        var fields = false
        while true {
            guard let token = try tokens.next() else { throw tokens.failure("Unexpected end-of-input") }
            if token == .endObject { break }
            guard case .fieldName(let step) = token else { throw tokens.failure("Unexpected token") }
            fields = true
            if step == "$or" {
                try parseOr(&rules, path: path)
                continue
            }
            if insideOr, Self.reservedInOr.contains(step) {
                throw tokens.failure("\(step) is Ruler reserved fieldName which cannot be used inside $or.")
            }
            switch try tokens.next() {
            case .startObject?: try parseObject(&rules, path: path + [step], insideOr: insideOr)
            case .startArray?: try writeRules(&rules, name: name(path, step))
            default: throw tokens.failure("\"\(step)\" must be an object or an array")
            }
        }
        if !fields { throw tokens.failure("Empty objects are not allowed") }
    }

    private mutating func parseOr(_ rules: inout [Alternative], path: [String]) throws(Failure) {
        let current = rules
        rules = []
        guard try tokens.next() == .startArray else { throw tokens.failure("It must be an Array followed with $or.") }
        var count = 0
        while true {
            guard let token = try tokens.next() else { throw tokens.failure("Unexpected end-of-input") }
            if token == .endArray { break }
            count += 1
            guard token == .startObject else { throw tokens.failure("Only JSON object is allowed in array of $or relationship.") }
            var branch = current.isEmpty ? [[:]] : current
            try parseObject(&branch, path: path, insideOr: true)
            rules += branch
        }
        if count < 2 { throw tokens.failure("There must have at least 2 Objects in $or relationship.") }
    }

    private mutating func writeRules(_ rules: inout [Alternative], name: String) throws(Failure) {
        var values: [Matcher] = []
        while true {
            guard let token = try tokens.next() else { throw tokens.failure("Unexpected end-of-input") }
            switch token {
            case .endArray:
                if values.isEmpty { throw tokens.failure("Empty arrays are not allowed") }
                if rules.isEmpty { rules = [[:]] }
                for i in rules.indices { rules[i][name] = values }
                return
            case .startObject:
                values.append(try matchExpression())
            case .string:
                let s = try tokens.text()
                if let ip = IPRange.single(s) { values.append(.ip(ip)) } else { values.append(.exactString(s)) }
            case .number(let text):
                values.append(.exactNumber(text: text, value: Self.comparable(text)))
            case .true: values.append(.exactLiteral(.bool(true)))
            case .false: values.append(.exactLiteral(.bool(false)))
            case .null: values.append(.exactLiteral(.null))
            default:
                throw tokens.failure("Match value must be String, number, true, false, or null")
            }
        }
    }

    /// A number a numeric match can compare: a double that holds it exactly.
    static func comparable(_ text: String) -> Double? {
        guard let d = Double(text), d.isFinite, let exact = Decimal(string: text), let shortest = Decimal(string: "\(d)"), exact == shortest else {
            return nil
        }
        return d
    }

    private mutating func expectEnd(_ message: String = "Only one key allowed in match expression") throws(Failure) {
        guard try tokens.next() == .endObject else { throw tokens.failure(message) }
    }

    private mutating func stringValue(_ message: String) throws(Failure) -> String {
        guard try tokens.next() == .string else { throw tokens.failure(message) }
        return try tokens.text()
    }

    private mutating func matchExpression() throws(Failure) -> Matcher {
        guard case .fieldName(let kind)? = try tokens.next() else { throw tokens.failure("Match expression name not found") }
        switch kind {
        case "exactly":
            let s = try stringValue("exact match pattern must be a string")
            try expectEnd()
            return .exactString(s)
        case "prefix", "suffix":
            let next = try tokens.next()
            if next == .startObject { return try ignoringCase(kind) }
            guard next == .string else { throw tokens.failure("\(kind) match pattern must be a string") }
            let s = try tokens.text()
            try expectEnd()
            return kind == "prefix" ? .prefix(s, ignoringCase: false) : .suffix(s, ignoringCase: false)
        case "numeric":
            guard try tokens.next() == .startArray else { throw tokens.failure("Value of numeric must be an array.") }
            let range = try numeric()
            try expectEnd("Too many elements in numeric expression")
            return .numeric(range)
        case "anything-but":
            return try anythingBut()
        case "exists":
            let token = try tokens.next()
            guard token == .true || token == .false else { throw tokens.failure("exists match pattern must be either true or false.") }
            try expectEnd()
            return .exists(token == .true)
        case "cidr":
            let s = try stringValue("prefix match pattern must be a string")
            let range: IPRange
            do {
                range = try IPRange.cidr(s)
            } catch {
                throw tokens.failure(error.message)
            }
            try expectEnd()
            return .cidr(range)
        case "equals-ignore-case":
            let s = try stringValue("equals-ignore-case match pattern must be a string")
            try expectEnd()
            return .equalsIgnoringCase(s)
        case "wildcard":
            let s = try stringValue("wildcard match pattern must be a string")
            let w = try wildcard(s)
            try expectEnd()
            return .wildcard(w)
        default:
            throw tokens.failure("Unrecognized match type \(kind)")
        }
    }

    private mutating func wildcard(_ s: String) throws(Failure) -> Wildcard {
        do {
            return try Wildcard(s)
        } catch {
            throw tokens.failure(error.message)
        }
    }

    /// `{"prefix": {"equals-ignore-case": "x"}}`, the same for suffix.
    private mutating func ignoringCase(_ kind: String) throws(Failure) -> Matcher {
        let label = kind == "prefix" ? "Prefix" : "Suffix"
        guard case .fieldName(let op)? = try tokens.next() else { throw tokens.failure("\(label) expression name not found") }
        guard op == "equals-ignore-case" else { throw tokens.failure("Unsupported \(kind) pattern: \(op)") }
        let s = try stringValue("equals-ignore-case match pattern must be a string")
        try expectEnd()
        try expectEnd()
        return kind == "prefix" ? .prefix(s, ignoringCase: true) : .suffix(s, ignoringCase: true)
    }

    private mutating func anythingBut() throws(Failure) -> Matcher {
        var op: String?
        var token = try tokens.next()
        if token == .startObject {
            guard case .fieldName(let name)? = try tokens.next() else { throw tokens.failure("Anything-But expression name not found") }
            guard ["equals-ignore-case", "prefix", "suffix", "wildcard"].contains(name) else {
                throw tokens.failure("Unsupported anything-but pattern: \(name)")
            }
            op = name
            token = try tokens.next()
        }
        let isValue: Bool
        switch token {
        case .startArray?, .string?, .number?: isValue = true
        default: isValue = false
        }
        guard isValue else { throw tokens.failure("Value of anything-but must be an array or single string/number value.") }
        let matcher: Matcher
        if let op {
            var strings: [String] = []
            if token == .startArray {
                while true {
                    guard let t = try tokens.next() else { throw tokens.failure("Unexpected end-of-input") }
                    if t == .endArray { break }
                    strings.append(try setValue(t, op: op))
                }
            } else if let token {
                strings.append(try setValue(token, op: op))
            }
            switch op {
            case "equals-ignore-case": matcher = .anythingButIgnoringCase(strings)
            case "prefix": matcher = .anythingButPrefix(strings)
            case "suffix": matcher = .anythingButSuffix(strings)
            default:
                var ws: [Wildcard] = []
                for s in strings { ws.append(try wildcard(s)) }
                matcher = .anythingButWildcard(ws)
            }
        } else if token == .startArray {
            var strings: Set<String> = []
            var numbers: [Double] = []
            while true {
                guard let t = try tokens.next() else { throw tokens.failure("Unexpected end-of-input") }
                if t == .endArray { break }
                switch t {
                case .string: strings.insert(try tokens.text())
                case .number(let text):
                    guard let n = Self.comparable(text) else { throw tokens.failure("Cannot compare number : \(text)") }
                    numbers.append(n)
                default: throw tokens.failure("Inside anything but list, start|null|boolean is not supported.")
                }
            }
            if strings.isEmpty == numbers.isEmpty {
                throw tokens.failure("Inside anything but list, either all values are number or string, mixed type is not supported")
            }
            matcher = .anythingBut(strings: strings, numbers: numbers)
        } else if case .number(let text)? = token {
            guard let n = Self.comparable(text) else { throw tokens.failure("Cannot compare number : \(text)") }
            matcher = .anythingBut(strings: [], numbers: [n])
        } else {
            matcher = .anythingBut(strings: [try tokens.text()], numbers: [])
        }
        try expectEnd("Too many elements in numeric expression")
        if op != nil { try expectEnd("Too many elements in numeric expression") }
        return matcher
    }

    private mutating func setValue(_ token: PatternTokenizer.Token, op: String) throws(Failure) -> String {
        guard token == .string else {
            switch op {
            case "equals-ignore-case": throw tokens.failure("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
            case "wildcard": throw tokens.failure("wildcard match pattern must be a string")
            default: throw tokens.failure("prefix/suffix match pattern must be a string")
            }
        }
        let s = try tokens.text()
        if (op == "prefix" || op == "suffix"), s.isEmpty { throw tokens.failure("Null prefix/suffix not allowed") }
        return s
    }

    private mutating func numericValue(_ token: PatternTokenizer.Token?, _ message: String) throws(Failure) -> Double {
        guard case .number(let text)? = token else { throw tokens.failure(message) }
        guard let n = Self.comparable(text) else { throw tokens.failure("Cannot compare number : \(text)") }
        return n
    }

    private mutating func numeric() throws(Failure) -> NumericRange {
        guard try tokens.next() == .string else { throw tokens.failure("Invalid member in numeric match: \(try numericText())") }
        let op = try tokens.text()
        let valueToken = try tokens.next()
        switch op {
        case "=":
            let v = try numericValue(valueToken, "Value of equals must be numeric")
            guard try tokens.next() == .endArray else { throw tokens.failure("Too many elements in numeric expression") }
            return NumericRange(low: (v, false), high: (v, false))
        case ">=", ">":
            let v = try numericValue(valueToken, "Value of \(op) must be numeric")
            let next = try tokens.next()
            if next == .endArray { return NumericRange(low: (v, op == ">"), high: nil) }
            guard next == .string else { throw tokens.failure("Bad value in numeric range: \(try numericText())") }
            let top = try tokens.text()
            guard top == "<" || top == "<=" else { throw tokens.failure("Bad numeric range operator: \(top)") }
            let t = try numericValue(try tokens.next(), "Value of \(top) must be numeric")
            guard try tokens.next() == .endArray else { throw tokens.failure("Too many terms in numeric range expression") }
            guard v < t else { throw tokens.failure("Bottom must be less than top") }
            return NumericRange(low: (v, op == ">"), high: (t, top == "<"))
        case "<=", "<":
            let v = try numericValue(valueToken, "Value of \(op) must be numeric")
            guard try tokens.next() == .endArray else { throw tokens.failure("Too many elements in numeric expression") }
            return NumericRange(low: nil, high: (v, op == "<"))
        default:
            throw tokens.failure("Unrecognized numeric range operator: \(op)")
        }
    }

    /// The current token's text, for messages that quote it.
    private mutating func numericText() throws(Failure) -> String { try tokens.currentText() }
}
