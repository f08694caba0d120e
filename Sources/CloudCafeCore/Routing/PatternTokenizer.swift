/// Reads a pattern's JSON token by token, keeping the location AWS reports with a refusal.
///
/// AWS's rule compilers stream the pattern and quote where they stopped as
/// `[Source: (String)"…"; line: L, column: C]`. The location is the character after the
/// last one consumed, and consumption follows the reader AWS uses: after a field name it
/// also consumes the colon and the first character of the value (only the opening quote of
/// a string, whose text is read when asked for).
struct PatternTokenizer {
    enum Token: Equatable {
        case startObject, endObject, startArray, endArray
        case fieldName(String)
        case string
        case number(String)
        case `true`, `false`, null
    }

    /// A malformed document or a refused pattern, with where it stopped.
    struct Failure: Error {
        let message: String
        let line: Int
        let column: Int
    }

    private let bytes: [UInt8]
    private let source: String
    private var offset = 0
    /// A value already begun while reading the field name before it.
    private var pending: Token?
    /// Where the text of a string just begun starts (after its opening quote).
    private var begunString: Int?
    private var pendingString: Int?
    /// The current string value's text, read on demand.
    private var stringStart: Int?
    private var stringText: String?
    /// The last token returned, for messages that quote it.
    private(set) var current: Token?
    /// Containers open, to know whether a comma or a colon comes next.
    private var stack: [(isObject: Bool, count: Int)] = []

    init(_ text: String) {
        source = text
        bytes = Array(text.utf8)
    }

    // MARK: Location

    /// `[Source: (String)"…"; line: L, column: C]`, as the reader prints it.
    func location(at end: Int? = nil) -> String {
        let (line, column) = lineAndColumn(end ?? offset)
        let chars = Array(source)
        let shown = chars.count > 500 ? String(chars.prefix(500)) + "\"[truncated \(chars.count - 500) chars]" : String(chars) + "\""
        return "[Source: (String)\"\(shown); line: \(line), column: \(column)]"
    }

    func lineAndColumn(_ end: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(end, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        // Columns count characters (UTF-16 units, as Java does), 1-based.
        let column = String(decoding: bytes[lineStart..<min(end, bytes.count)], as: UTF8.self).utf16.count + 1
        return (line, column)
    }

    func failure(_ message: String) -> Failure {
        let (line, column) = lineAndColumn(offset)
        return Failure(message: message + "\n at " + location(), line: line, column: column)
    }

    // MARK: Tokens

    /// The text of the current string value (reading the rest of it).
    mutating func text() throws(Failure) -> String {
        if let stringText { return stringText }
        guard let start = stringStart else { return "" }
        offset = start
        let s = try readStringBody()
        stringText = s
        return s
    }

    mutating func next() throws(Failure) -> Token? {
        current = try advance()
        return current
    }

    /// The current token as the reader prints it (`{`, `5`, a string's text).
    mutating func currentText() throws(Failure) -> String {
        switch current {
        case .string?: return try text()
        case .number(let t)?: return t
        case .fieldName(let n)?: return n
        case .startObject?: return "{"
        case .endObject?: return "}"
        case .startArray?: return "["
        case .endArray?: return "]"
        case .true?: return "true"
        case .false?: return "false"
        case .null?: return "null"
        case nil: return ""
        }
    }

    private mutating func advance() throws(Failure) -> Token? {
        // Leave a string value that was not read.
        if stringStart != nil, stringText == nil { _ = try text() }
        stringStart = nil
        stringText = nil
        if let p = pending {
            pending = nil
            stringStart = pendingString
            return enter(p)
        }
        skipWhitespace()
        guard offset < bytes.count else {
            if !stack.isEmpty { throw failure("Unexpected end-of-input: expected close marker for \(stack.last!.isObject ? "Object" : "Array")") }
            return nil
        }
        if var top = stack.last {
            let c = bytes[offset]
            if (top.isObject && c == UInt8(ascii: "}")) || (!top.isObject && c == UInt8(ascii: "]")) {
                offset += 1
                stack.removeLast()
                return top.isObject ? .endObject : .endArray
            }
            if top.count > 0 {
                guard c == UInt8(ascii: ",") else {
                    offset += 1
                    throw failure(
                        "Unexpected character (\(Self.describe(c))): was expecting comma to separate \(top.isObject ? "Object entries" : "Array entries")")
                }
                offset += 1
                skipWhitespace()
            }
            top.count += 1
            stack[stack.count - 1] = top
            if top.isObject { return try fieldName() }
        }
        let token = try value()
        stringStart = begunString
        return enter(token)
    }

    private mutating func enter(_ token: Token) -> Token {
        switch token {
        case .startObject: stack.append((true, 0))
        case .startArray: stack.append((false, 0))
        default: break
        }
        return token
    }

    private mutating func fieldName() throws(Failure) -> Token {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
            let c = offset < bytes.count ? bytes[offset] : 0
            offset += 1
            throw failure("Unexpected character (\(Self.describe(c))): was expecting double-quote to start field name")
        }
        offset += 1
        let name = try readStringBody()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
            let c = offset < bytes.count ? bytes[offset] : 0
            offset += 1
            throw failure("Unexpected character (\(Self.describe(c))): was expecting a colon to separate field name and value")
        }
        offset += 1
        skipWhitespace()
        // The reader begins the value now.
        pending = try value()
        pendingString = begunString
        return .fieldName(name)
    }

    private mutating func value() throws(Failure) -> Token {
        begunString = nil
        guard offset < bytes.count else { throw failure("Unexpected end-of-input: expected a value") }
        let c = bytes[offset]
        switch c {
        case UInt8(ascii: "{"):
            offset += 1
            return .startObject
        case UInt8(ascii: "["):
            offset += 1
            return .startArray
        case UInt8(ascii: "\""):
            offset += 1
            begunString = offset
            return .string
        case UInt8(ascii: "t"): return try literal("true", .true)
        case UInt8(ascii: "f"): return try literal("false", .false)
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default:
            offset += 1
            throw failure("Unexpected character (\(Self.describe(c))): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        }
    }

    private mutating func literal(_ word: String, _ token: Token) throws(Failure) -> Token {
        let w = Array(word.utf8)
        guard bytes.count - offset >= w.count, Array(bytes[offset..<offset + w.count]) == w else {
            var end = offset
            while end < bytes.count, Self.isLetter(bytes[end]) { end += 1 }
            let seen = String(decoding: bytes[offset..<end], as: UTF8.self)
            offset = end
            throw failure("Unrecognized token '\(seen)': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        }
        offset += w.count
        return token
    }

    private mutating func number() throws(Failure) -> String {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        func digits(_ t: inout PatternTokenizer) -> Int {
            let s = t.offset
            while t.offset < t.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(t.bytes[t.offset]) { t.offset += 1 }
            return t.offset - s
        }
        guard digits(&self) > 0 else { throw failure("Unexpected character: expected digit for number") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits(&self) > 0 else { throw failure("Unexpected character: Decimal point not followed by a digit") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits(&self) > 0 else { throw failure("Unexpected character: Exponent indicator not followed by a digit") }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// Reads up to and past the closing quote; `offset` is just after the opening one.
    private mutating func readStringBody() throws(Failure) -> String {
        var out: [UInt8] = []
        while offset < bytes.count {
            let c = bytes[offset]
            offset += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { break }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { throw failure("Unexpected character: expected a hex-digit for character escape sequence") }
                    var scalarValue = UInt32(unit)
                    if (0xD800..<0xDC00).contains(unit), offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                        offset += 2
                        if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        }
                    }
                    out += Array(String(Unicode.Scalar(scalarValue).map(Character.init) ?? "\u{FFFD}").utf8)
                default:
                    throw failure("Unrecognized character escape '\(Character(Unicode.Scalar(e)))' (code \(e))")
                }
            default:
                if c < 0x20 { throw failure("Illegal unquoted character ((CTRL-CHAR, code \(c))): has to be escaped using backslash to be included in string value") }
                out.append(c)
            }
        }
        throw failure("Unexpected end-of-input: was expecting closing quote for a string value")
    }

    private mutating func hex4() -> UInt16? {
        guard bytes.count - offset >= 4 else { return nil }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[offset]
            let d: UInt16
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt16(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt16(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt16(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
            offset += 1
        }
        return v
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(bytes[offset]) { offset += 1 }
    }

    /// Whether anything but whitespace follows the document.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return offset >= bytes.count
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
    }

    /// `'}' (code 125)`, as the reader names a character.
    static func describe(_ c: UInt8) -> String {
        c == 0 ? "end-of-input" : "'\(Character(Unicode.Scalar(c)))' (code \(c))"
    }
}
