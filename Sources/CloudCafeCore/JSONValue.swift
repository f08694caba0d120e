public import Foundation

/// A JSON document that keeps object members in order.
///
/// Lambda payloads travel as bytes; handlers read and build them as `JSONValue` so that
/// what a Python function would return (`json.dumps`, insertion order) is reproduced exactly.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Numbers keep their source text so integers and decimals round-trip unchanged.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b || Decimal(string: a) == Decimal(string: b)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let members):
            for (k, v) in members {
                hasher.combine(k)
                hasher.combine(v)
            }
        }
    }

    /// An integer number.
    public static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The string value, or nil for any other kind.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer value of a number without fraction, or nil.
    public var intValue: Int? {
        if case .number(let n) = self { return Int(n) }
        return nil
    }

    /// Whether the object has member `key` (Python's `'key' in d`).
    public func has(_ key: String) -> Bool { self[key] != nil }
}

// MARK: - Parsing

extension JSONValue {
    /// A JSON syntax error with the byte offset where parsing stopped.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at offset \(offset): \(reason)" }
    }

    /// Parses a complete JSON text (RFC 8259); trailing non-space content is an error.
    public init(parsing data: some Collection<UInt8>) throws {
        var parser = Parser(bytes: Array(data))
        self = try parser.document()
    }

    /// Parses a complete JSON text from a string.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> JSONValue {
            let value = try parseValue()
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected trailing content") }
            return value
        }

        func fail(_ reason: String) -> SyntaxError { SyntaxError(offset: index, reason: reason) }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func parseValue() throws -> JSONValue {
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try parseNumber()
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
                throw fail("invalid literal")
            }
            index += w.count
        }

        mutating func nest() throws {
            depth += 1
            // Deeply nested input must not exhaust the stack.
            guard depth <= 512 else { throw fail("nesting too deep") }
        }

        mutating func parseObject() throws -> JSONValue {
            try nest()
            defer { depth -= 1 }
            index += 1
            var members: [(String, JSONValue)] = []
            var keyIndex: [String: Int]?
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected key") }
                let key = try parseString()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                let value = try parseValue()
                // Duplicate keys: the last one wins, as in Python's json module. Small objects
                // scan; large ones keep an index, so parsing stays linear.
                if members.count < 16 {
                    if let existing = members.firstIndex(where: { $0.0 == key }) {
                        members[existing].1 = value
                    } else {
                        members.append((key, value))
                    }
                } else {
                    if keyIndex == nil { keyIndex = Dictionary(members.enumerated().map { ($1.0, $0) }, uniquingKeysWith: { _, last in last }) }
                    if let existing = keyIndex?[key] {
                        members[existing].1 = value
                    } else {
                        keyIndex?[key] = members.count
                        members.append((key, value))
                    }
                }
                skipSpace()
                guard index < bytes.count else { throw fail("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func parseArray() throws -> JSONValue {
            try nest()
            defer { depth -= 1 }
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue())
                skipSpace()
                guard index < bytes.count else { throw fail("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func parseNumber() throws -> JSONValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digitsStart = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > digitsStart else { throw fail("invalid value") }
            if bytes[digitsStart] == 0x30, index - digitsStart > 1 { throw fail("leading zero") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let f = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > f else { throw fail("invalid fraction") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let e = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > e else { throw fail("invalid exponent") }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("bad escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw fail("bad hex digit")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }

        mutating func parseString() throws -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let c = bytes[index]
                if c == UInt8(ascii: "\"") { index += 1; break }
                if c < 0x20 { throw fail("control character in string") }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw fail("bad escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), index + 6 <= bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            out.append(contentsOf: Array(String(Character(Unicode.Scalar(0xFFFD)!)).utf8))
                            scalar = low
                        }
                    }
                    let s = Unicode.Scalar(scalar) ?? Unicode.Scalar(0xFFFD)!
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default: throw fail("bad escape")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

// MARK: - Serialising

extension JSONValue {
    /// Compact JSON without spaces, as AWS services and JavaScript write it.
    public var compact: String {
        var out: [UInt8] = []
        write(to: &out, itemSeparator: ",", keySeparator: ":", asciiOnly: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON (as `compact` spells it) to `out`.
    public func writeCompact(to out: inout [UInt8]) {
        write(to: &out, itemSeparator: ",", keySeparator: ":", asciiOnly: false)
    }

    /// JSON as Python's `json.dumps` writes it by default (`, ` and `: `, non-ASCII escaped):
    /// the bytes a Python Lambda function's return value becomes.
    public var pythonDumps: String {
        var out: [UInt8] = []
        write(to: &out, itemSeparator: ", ", keySeparator: ": ", asciiOnly: true)
        return String(decoding: out, as: UTF8.self)
    }

    // Written as bytes: appending to a String scalar by scalar cost more than the rest of a small call.
    private func write(to out: inout [UInt8], itemSeparator: StaticString, keySeparator: StaticString, asciiOnly: Bool) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): JSONValue.quote(s, into: &out, asciiOnly: asciiOnly)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { Self.append(itemSeparator, to: &out) }
                item.write(to: &out, itemSeparator: itemSeparator, keySeparator: keySeparator, asciiOnly: asciiOnly)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { Self.append(itemSeparator, to: &out) }
                JSONValue.quote(key, into: &out, asciiOnly: asciiOnly)
                Self.append(keySeparator, to: &out)
                value.write(to: &out, itemSeparator: itemSeparator, keySeparator: keySeparator, asciiOnly: asciiOnly)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Whether any of the eight bytes in `word` is a control character, `"`, `\\`, or (with
    /// `asciiOnly`) not ASCII. Each test is exact for "any byte" (borrows only ever reach a
    /// byte above one that already matched).
    @inline(__always)
    static func needsEscape(_ word: UInt64, asciiOnly: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let nonASCII = asciiOnly ? word & highs : 0
        return control | quote | backslash | nonASCII != 0
    }

    /// Writes `s` as a JSON string literal: runs that need no escape are copied whole.
    public static func quote(_ s: String, into out: inout [UInt8], asciiOnly: Bool) {
        out.append(UInt8(ascii: "\""))
        var text = s
        text.withUTF8 { buf in
            var start = 0
            var i = 0
            while i < buf.count {
                // Eight bytes at a time while none needs an escape: most text needs none.
                if i + 8 <= buf.count, let base = buf.baseAddress,
                    !needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), asciiOnly: asciiOnly)
                {
                    i += 8
                    continue
                }
                let b = buf[i]
                if b >= 0x20, b != 0x22, b != 0x5C, b < 0x80 || !asciiOnly {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                if b >= 0x80 {
                    // Only with asciiOnly: the scalar as \u escapes (a surrogate pair above U+FFFF).
                    let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    var value = UInt32(b) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                    for k in 1..<length where i + k < buf.count { value = value << 6 | UInt32(buf[i + k] & 0x3F) }
                    if value > 0xFFFF {
                        let v = value - 0x10000
                        hex4(0xD800 + (v >> 10), into: &out)
                        hex4(0xDC00 + (v & 0x3FF), into: &out)
                    } else {
                        hex4(value, into: &out)
                    }
                    i += length
                    start = i
                    continue
                }
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default: hex4(UInt32(b), into: &out)
                }
                i += 1
                start = i
            }
            // As a buffer, not a slice: the slice's generic copy was a third of the quoting.
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hex4(_ v: UInt32, into out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { out.append(Digits.hexDigits[Int((v >> UInt32(shift)) & 0xF)]) }
    }

    /// The compact UTF-8 bytes.
    public var data: Data { Data(compact.utf8) }
}

// MARK: - Python's repr

extension JSONValue {
    /// What Python's `print(value)` shows for the parsed value: single-quoted strings,
    /// `True`/`False`/`None`. Handlers that mimic Python functions log this way.
    public var pythonRepr: String {
        switch self {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .number(let n): return n
        case .string(let s): return Self.pythonQuote(s)
        case .array(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { Self.pythonQuote($0.0) + ": " + $0.1.pythonRepr }.joined(separator: ", ") + "}"
        }
    }

    static func pythonQuote(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }
}
