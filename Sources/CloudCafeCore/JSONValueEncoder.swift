public import Foundation

/// A value that spells itself as a `JSONValue`: the generated shapes, whose `jsonValue()`
/// gives exactly what `JSONValueEncoder` makes of their Codable conformance (members in
/// CodingKeys order, nil ones left out). Through Codable, every member took a container,
/// a box and generic metadata lookups: most of the encoding of a FunctionConfiguration.
public protocol JSONValueWritable {
    func jsonValue() throws -> JSONValue
}

extension JSONValue {
    /// A number as `JSONEncoder` writes a Double; throws for infinities and NaN, as it does.
    public static func encoding(_ value: Double) throws -> JSONValue { try JSONValueEncoder.number(value, []) }

    /// A date as `JSONEncoder` writes it with `.secondsSince1970`.
    public static func encoding(_ date: Date) throws -> JSONValue { try JSONValueEncoder.number(date.timeIntervalSince1970, []) }
}

/// Encodes an `Encodable` value straight into a `JSONValue`, as Foundation's `JSONEncoder`
/// would with `.secondsSince1970` dates (and `.withoutEscapingSlashes`, which `compact` does):
/// Data as base64, URLs as their text, members in the order the type encodes them.
///
/// Answers on the wire are written by the generated shapes' `jsonValue()`; this is the Codable
/// encoding they are checked against (JSONValueWriterTests), for any other Encodable value.
public struct JSONValueEncoder {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        try Self.box(value, codingPath: [])
    }

    static func box<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        // Compared as types, not cast: a failed dynamic cast per candidate cost more than the encoding.
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .number(String(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Double.self { return try number(unsafeBitCast(value, to: Double.self), codingPath) }
        if T.self == Date.self { return try number(unsafeBitCast(value, to: Date.self).timeIntervalSince1970, codingPath) }
        if T.self == Data.self { return .string(unsafeBitCast(value, to: Data.self).base64EncodedString()) }
        if T.self == URL.self, let url = value as? URL { return .string(url.absoluteString) }
        if T.self == Decimal.self, let decimal = value as? Decimal { return .number(decimal.description) }
        let encoder = ValueEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.node.value
    }

    /// Foundation's spelling of a finite number: the shortest text that reads back, without `.0`.
    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, .init(codingPath: codingPath, debugDescription: "Unable to encode \(v) directly in JSON."))
        }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }

    /// A value being built: containers hand out references to their children. Leaves (most
    /// members) are kept as values, without a node of their own.
    final class Node {
        enum Slot {
            case leaf(JSONValue)
            case node(Node)

            var value: JSONValue {
                switch self {
                case .leaf(let v): v
                case .node(let n): n.value
                }
            }
        }

        enum Content {
            case empty
            case value(JSONValue)
            case object([(key: String, slot: Slot)])
            case array([Slot])
        }
        var content = Content.empty

        var value: JSONValue {
            switch content {
            case .empty: .object([])
            case .value(let v): v
            case .object(let members): .object(members.map { ($0.key, $0.slot.value) })
            case .array(let items): .array(items.map(\.value))
            }
        }

        /// Where `key` is, when it was set before. A shape's members are few, and a scan
        /// costs less than hashing each key; past 32 members the object is a map (a
        /// dictionary's keys, each written once), so no scan.
        private func position(of key: String, in members: [(key: String, slot: Slot)]) -> Int? {
            members.count <= 32 ? members.firstIndex { $0.key == key } : nil
        }

        /// Sets the member `key` (added at the end when new) to `slot`.
        private func put(_ key: String, _ slot: Slot) {
            guard case .object(var members) = content else {
                content = .object([(key, slot)])
                return
            }
            content = .empty
            if let i = position(of: key, in: members) { members[i].slot = slot } else { members.append((key, slot)) }
            content = .object(members)
        }

        func set(_ key: String, _ value: JSONValue) { put(key, .leaf(value)) }

        /// The member `key` as a node, for a nested container or encoder.
        func member(_ key: String) -> Node {
            if case .object(let members) = content, let i = position(of: key, in: members), case .node(let existing) = members[i].slot {
                return existing
            }
            let node = Node()
            put(key, .node(node))
            return node
        }

        private func appendSlot(_ slot: Slot) {
            if case .array(var items) = content {
                content = .empty
                items.append(slot)
                content = .array(items)
            } else {
                content = .array([slot])
            }
        }

        func append(_ value: JSONValue) { appendSlot(.leaf(value)) }

        func append() -> Node {
            let node = Node()
            appendSlot(.node(node))
            return node
        }

        func makeObject() { if case .object = content {} else { content = .object([]) } }
        func makeArray() { if case .array = content {} else { content = .array([]) } }
    }

    final class ValueEncoder: Encoder {
        let codingPath: [any CodingKey]
        let node: Node
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(codingPath: [any CodingKey], node: Node = Node()) {
            self.codingPath = codingPath
            self.node = node
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.makeArray()
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { node.set(key.stringValue, .null) }
        mutating func encode(_ value: String, forKey key: Key) throws { node.set(key.stringValue, .string(value)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { node.set(key.stringValue, .bool(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { node.set(key.stringValue, .number(String(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { node.set(key.stringValue, try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { node.set(key.stringValue, try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.set(key.stringValue, try JSONValueEncoder.box(value, codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = node.member(key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = node.member(key.stringValue)
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder(codingPath: codingPath, node: node.member("super")) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(codingPath: codingPath + [key], node: node.member(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int {
            if case .array(let items) = node.content { return items.count }
            return 0
        }

        mutating func encodeNil() throws { node.append(.null) }
        mutating func encode(_ value: String) throws { node.append(.string(value)) }
        mutating func encode(_ value: Bool) throws { node.append(.bool(value)) }
        mutating func encode(_ value: Int) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: Int8) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: Int16) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: Int32) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: UInt) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: UInt16) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: UInt32) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { node.append(.number(String(value))) }
        mutating func encode(_ value: Double) throws { node.append(try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode(_ value: Float) throws { node.append(try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.append(try JSONValueEncoder.box(value, codingPath: codingPath + [Index(count)]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = node.append()
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = node.append()
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder(codingPath: codingPath, node: node.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.content = .value(.null) }
        mutating func encode(_ value: String) throws { node.content = .value(.string(value)) }
        mutating func encode(_ value: Bool) throws { node.content = .value(.bool(value)) }
        mutating func encode(_ value: Int) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: Int8) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: Int16) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: Int32) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: UInt) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: UInt16) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: UInt32) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { node.content = .value(.number(String(value))) }
        mutating func encode(_ value: Double) throws { node.content = .value(try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode(_ value: Float) throws { node.content = .value(try JSONValueEncoder.number(value, codingPath)) }
        mutating func encode<T: Encodable>(_ value: T) throws { node.content = .value(try JSONValueEncoder.box(value, codingPath: codingPath)) }
    }

    struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }
}
