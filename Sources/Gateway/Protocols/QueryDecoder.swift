import Foundation

/// Decodes an operation's input from the query protocol's flattened parameters
/// (`Attributes.entry.1.key`, `Names.member.1`), as botocore serializes them.
struct QueryDecoder {
    /// A member the shape requires is absent, or a value has the wrong form.
    struct Failure: Error {
        let member: String
        let missing: Bool
    }

    func decode<T: Decodable>(_ type: T.Type, from parameters: [String: String]) throws -> T {
        try T(from: QueryValueDecoder(parameters: parameters, path: ""))
    }
}

private struct QueryValueDecoder: Decoder {
    let parameters: [String: String]
    let path: String
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        var count = 0
        while parameters.keys.contains(where: { $0 == child("member.\(count + 1)") || $0.hasPrefix(child("member.\(count + 1).")) }) { count += 1 }
        return Unkeyed(decoder: self, count: count)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    func value() throws -> String {
        guard let v = parameters[path] else { throw QueryDecoder.Failure(member: path, missing: true) }
        return v
    }

    func has(_ p: String) -> Bool { parameters[p] != nil || parameters.keys.contains { $0.hasPrefix(p + ".") } }

    static func scalar<T: Decodable>(_ type: T.Type, _ text: String, at path: String) throws -> T? {
        switch type {
        case is String.Type: return text as? T
        case is Bool.Type:
            guard text == "true" || text == "false" else { throw QueryDecoder.Failure(member: path, missing: false) }
            return (text == "true") as? T
        case is Int.Type:
            guard let v = Int(text) else { throw QueryDecoder.Failure(member: path, missing: false) }
            return v as? T
        case is Int64.Type:
            guard let v = Int64(text) else { throw QueryDecoder.Failure(member: path, missing: false) }
            return v as? T
        case is Double.Type:
            guard let v = Double(text) else { throw QueryDecoder.Failure(member: path, missing: false) }
            return v as? T
        case is Data.Type:
            guard let v = Data(base64Encoded: text) else { throw QueryDecoder.Failure(member: path, missing: false) }
            return v as? T
        default: return nil
        }
    }

    func decodeAny<T: Decodable>(_ type: T.Type) throws -> T {
        if type == [String: String].self {
            // Maps: `<path>.entry.N.key` / `<path>.entry.N.value`.
            var map: [String: String] = [:]
            var n = 1
            while let key = parameters[child("entry.\(n).key")] {
                map[key] = parameters[child("entry.\(n).value")] ?? ""
                n += 1
            }
            if let typed = map as? T { return typed }
        }
        if let text = parameters[path], let v = try Self.scalar(type, text, at: path) { return v }
        return try T(from: self)
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: QueryValueDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { decoder.has(decoder.child(key.stringValue)) }
        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let p = decoder.child(key.stringValue)
            // An absent list is an empty one, as botocore omits empty lists.
            guard decoder.has(p) || T.self is any ExpressibleByArrayLiteral.Type else { throw QueryDecoder.Failure(member: key.stringValue, missing: true) }
            return try QueryValueDecoder(parameters: decoder.parameters, path: p).decodeAny(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(decoder: QueryValueDecoder(parameters: decoder.parameters, path: decoder.child(key.stringValue))))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try QueryValueDecoder(parameters: decoder.parameters, path: decoder.child(key.stringValue)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { QueryValueDecoder(parameters: decoder.parameters, path: decoder.child(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: QueryValueDecoder
        let count: Int?
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var isAtEnd: Bool { currentIndex >= (count ?? 0) }

        init(decoder: QueryValueDecoder, count: Int) {
            self.decoder = decoder
            self.count = count
        }

        mutating func next() -> QueryValueDecoder {
            currentIndex += 1
            return QueryValueDecoder(parameters: decoder.parameters, path: decoder.child("member.\(currentIndex)"))
        }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeAny(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: QueryValueDecoder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { decoder.parameters[decoder.path] == nil }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let text = try decoder.value()
            guard let v = try QueryValueDecoder.scalar(type, text, at: decoder.path) else { return try T(from: decoder) }
            return v
        }
    }
}
