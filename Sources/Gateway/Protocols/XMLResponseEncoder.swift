import Foundation

/// Encodes an operation's output as the query protocol's XML, as botocore parses it:
/// lists as `<member>` items, maps as `<entry><key/><value/></entry>`, timestamps ISO 8601.
struct XMLResponseEncoder {
    /// `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…`.
    func response<T: Encodable>(_ value: T, operation: String, namespace: String, requestID: String) throws -> String {
        let root = XMLNode(name: "\(operation)Result")
        try value.encode(to: XMLNodeEncoder(node: root))
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<\#(operation)Response xmlns="\#(namespace)">"#
        root.write(to: &out)
        out += "<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(operation)Response>\n"
        return out
    }

    /// The query protocol's error body.
    static func error(code: String, message: String, senderFault: Bool, requestID: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + "<ErrorResponse><Error><Type>\(senderFault ? "Sender" : "Receiver")</Type><Code>\(escape(code))</Code><Message>\(escape(message))</Message></Error>"
            + "<RequestId>\(requestID)</RequestId></ErrorResponse>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// An element being built: text, or child elements in order.
final class XMLNode {
    let name: String
    var text: String?
    var children: [XMLNode] = []

    init(name: String) { self.name = name }

    func child(_ name: String) -> XMLNode {
        let node = XMLNode(name: name)
        children.append(node)
        return node
    }

    func write(to out: inout String) {
        out += "<\(name)>"
        if let text { out += XMLResponseEncoder.escape(text) }
        for c in children { c.write(to: &out) }
        out += "</\(name)>"
    }
}

private struct XMLNodeEncoder: Encoder {
    let node: XMLNode
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { KeyedEncodingContainer(Keyed<Key>(node: node)) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(node: node) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node) }

    static func scalar(_ value: some Encodable) -> String? {
        switch value {
        case let s as String: s
        case let b as Bool: b ? "true" : "false"
        case let i as Int: String(i)
        case let i as Int64: String(i)
        case let d as Double: String(d)
        case let d as Date: iso8601(d)
        case let d as Data: d.base64EncodedString()
        default: nil
        }
    }

    static func iso8601(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    static func encode(_ value: some Encodable, into node: XMLNode) throws {
        if let text = scalar(value) {
            node.text = text
        } else if let map = value as? [String: String] {
            for key in map.keys.sorted() {
                let entry = node.child("entry")
                entry.child("key").text = key
                entry.child("value").text = map[key]
            }
        } else {
            try value.encode(to: XMLNodeEncoder(node: node))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: XMLNode
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try XMLNodeEncoder.encode(value, into: node.child(key.stringValue)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(node: node.child(key.stringValue)))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unkeyed(node: node.child(key.stringValue)) }
        mutating func superEncoder() -> any Encoder { XMLNodeEncoder(node: node) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { XMLNodeEncoder(node: node.child(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: XMLNode
        var codingPath: [any CodingKey] { [] }
        var count: Int { node.children.count }
        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws { try XMLNodeEncoder.encode(value, into: node.child("member")) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(node: node.child("member")))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(node: node.child("member")) }
        mutating func superEncoder() -> any Encoder { XMLNodeEncoder(node: node.child("member")) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: XMLNode
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws { try XMLNodeEncoder.encode(value, into: node) }
    }
}
