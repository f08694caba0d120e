import Foundation

/// Decodes a `Decodable` value straight from a `JSONValue`, as Foundation's `JSONDecoder`
/// would from its bytes with `.secondsSince1970` dates: Data from base64, URLs from their
/// text, a missing key `keyNotFound`, a null `valueNotFound`, a wrong kind `typeMismatch`, a
/// number out of range `dataCorrupted`.
///
/// Every request is decoded here: the wire protocols already hold the tree, and writing it
/// out for `JSONDecoder` to parse again cost about a tenth of a small call.
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try Self.unbox(value, as: type, codingPath: [])
    }

    static func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, codingPath: [any CodingKey]) throws -> T {
        // Compared as types, not cast: a failed dynamic cast per candidate costs more than the value.
        if T.self == String.self { return unsafeBitCast(try string(value, codingPath), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(value, Int.self, codingPath), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(value, codingPath), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try float(value, Double.self, codingPath), to: T.self) }
        if T.self == Date.self {
            return unsafeBitCast(Date(timeIntervalSince1970: try float(value, Double.self, codingPath)), to: T.self)
        }
        if T.self == Data.self {
            guard let data = Data(base64Encoded: try string(value, codingPath)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Encountered Data is not valid Base64."))
            }
            return unsafeBitCast(data, to: T.self)
        }
        if T.self == URL.self {
            guard let url = URL(string: try string(value, codingPath)) as? T else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Invalid URL string."))
            }
            return url
        }
        if T.self == Decimal.self {
            guard case .number(let text) = value, let decimal = Decimal(string: text) as? T else { throw mismatch(Decimal.self, value, codingPath) }
            return decimal
        }
        return try T(from: ValueDecoder(value, codingPath: codingPath))
    }

    // MARK: - Leaves

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
        if value == .null {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(kind(value)) instead."))
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }

    static func string(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> String {
        guard case .string(let s) = value else { throw mismatch(String.self, value, codingPath) }
        return s
    }

    static func bool(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch(Bool.self, value, codingPath) }
        return b
    }

    static func integer<I: FixedWidthInteger>(_ value: JSONValue, _ type: I.Type, _ codingPath: [any CodingKey]) throws -> I {
        guard case .number(let text) = value else { throw mismatch(type, value, codingPath) }
        if let exact = I(text) { return exact }
        // `1e3` or `2.0`: a whole number written otherwise is still that number.
        if let d = Double(text), d.rounded() == d, let whole = I(exactly: d) { return whole }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Number \(text) is not representable in Swift."))
    }

    static func float<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: JSONValue, _ type: F.Type, _ codingPath: [any CodingKey]) throws -> F {
        guard case .number(let text) = value else { throw mismatch(type, value, codingPath) }
        guard let f = F(text), f.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Number \(text) is not representable in Swift."))
        }
        return f
    }

    // MARK: - Containers

    final class ValueDecoder: Decoder {
        let value: JSONValue
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(_ value: JSONValue, codingPath: [any CodingKey]) {
            self.value = value
            self.codingPath = codingPath
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let members) = value else { throw mismatch([String: Any].self, value, codingPath) }
            return KeyedDecodingContainer(Keyed<Key>(members, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw mismatch([Any].self, value, codingPath) }
            return Unkeyed(items, codingPath: codingPath)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [(String, JSONValue)]
        let codingPath: [any CodingKey]
        /// For large objects (maps a client sends) only: a few members are found faster by a scan.
        let index: [String: Int]?

        init(_ members: [(String, JSONValue)], codingPath: [any CodingKey]) {
            self.members = members
            self.codingPath = codingPath
            // A repeated key reads as its last occurrence, as in JSONDecoder.
            index = members.count > 16 ? Dictionary(members.enumerated().map { ($0.element.0, $0.offset) }, uniquingKeysWith: { $1 }) : nil
        }

        var allKeys: [Key] {
            var seen = Set<String>()
            return members.compactMap { seen.insert($0.0).inserted ? Key(stringValue: $0.0) : nil }
        }

        private func find(_ key: Key) -> JSONValue? {
            let name = key.stringValue
            if let index { return index[name].map { members[$0].1 } }
            return members.last { $0.0 == name }?.1
        }

        private func value(_ key: Key) throws -> JSONValue {
            guard let v = find(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return v
        }

        func contains(_ key: Key) -> Bool { find(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(value(key), codingPath + [key]) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(value(key), codingPath + [key]) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(value(key), type, codingPath + [key]) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try float(value(key), type, codingPath + [key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try float(value(key), type, codingPath + [key]) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try unbox(value(key), as: type, codingPath: codingPath + [key]) }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let v = find(key), v != .null else { return nil }
            return try string(v, codingPath + [key])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = find(key), v != .null else { return nil }
            return try unbox(v, as: type, codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(value(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(value(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { ValueDecoder(Key(stringValue: "super").flatMap(find) ?? .null, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(find(key) ?? .null, codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(_ items: [JSONValue], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
            let path = codingPath + [JSONValueEncoder.Index(currentIndex)]  // the encoder's list position key
            guard !isAtEnd else { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end.")) }
            defer { currentIndex += 1 }
            return (items[currentIndex], path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw DecodingError.valueNotFound(Any?.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end.")) }
            if items[currentIndex] == .null {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode(_ type: String.Type) throws -> String {
            let (v, path) = try next(type)
            return try string(v, path)
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool {
            let (v, path) = try next(type)
            return try bool(v, path)
        }

        mutating func decode(_ type: Int.Type) throws -> Int { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, path) = try next(type); return try integer(v, type, path) }
        mutating func decode(_ type: Double.Type) throws -> Double { let (v, path) = try next(type); return try float(v, type, path) }
        mutating func decode(_ type: Float.Type) throws -> Float { let (v, path) = try next(type); return try float(v, type, path) }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (v, path) = try next(type)
            return try unbox(v, as: type, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (v, path) = try next([String: Any].self)
            return try ValueDecoder(v, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (v, path) = try next([Any].self)
            return try ValueDecoder(v, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (v, path) = try next(Any.self)
            return ValueDecoder(v, codingPath: path)
        }
    }

    struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }
        func decode(_ type: String.Type) throws -> String { try string(value, codingPath) }
        func decode(_ type: Bool.Type) throws -> Bool { try bool(value, codingPath) }
        func decode(_ type: Int.Type) throws -> Int { try integer(value, type, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(value, type, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(value, type, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(value, type, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(value, type, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(value, type, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(value, type, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(value, type, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(value, type, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(value, type, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try float(value, type, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { try float(value, type, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(value, as: type, codingPath: codingPath) }
    }
}
