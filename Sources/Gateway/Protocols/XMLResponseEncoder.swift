import CloudCafeCore
import Foundation

/// Writes an operation's output as the query protocol's XML, from the model as botocore
/// reads it: lists as `<member>` items (or the model's item name; flattened lists repeat
/// their items in place), maps as `<entry><key/><value/></entry>` (or the model's names),
/// timestamps ISO 8601, blobs base64.
struct XMLResponseEncoder {
    let model: ServiceModel

    /// `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…`.
    func response(_ output: JSONValue?, operation: OperationModel, requestID: String) throws -> String {
        let root = XMLNode(name: operation.resultWrapper ?? "\(operation.name)Result")
        if let output, let shape = operation.output {
            write(output, shape: shape, into: root)
        }
        // Appended piece by piece as bytes: concatenating the head and tail as Strings was a
        // fortieth of a Publish.
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        out.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        out.append(contentsOf: "\n<".utf8)
        out.append(contentsOf: operation.name.utf8)
        out.append(contentsOf: #"Response xmlns=""#.utf8)
        out.append(contentsOf: (model.xmlNamespace ?? "").utf8)
        out.append(contentsOf: #"">"#.utf8)
        root.write(to: &out)
        out.append(contentsOf: "<ResponseMetadata><RequestId>".utf8)
        out.append(contentsOf: requestID.utf8)
        out.append(contentsOf: "</RequestId></ResponseMetadata></".utf8)
        out.append(contentsOf: operation.name.utf8)
        out.append(contentsOf: "Response>\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    func write(_ value: JSONValue, shape name: String, into node: XMLNode) {
        guard let shape = model.shapes[name] else { return }
        switch shape.kind {
        case .structure:
            for m in shape.members {
                guard let child = value[m.name], child != .null else { continue }
                let target = model.shapes[m.shape]
                let element = m.locationName ?? m.name
                if let target, target.flattened, target.kind == .list || target.kind == .map {
                    // Flattened: the items stand in the parent, each named as the member.
                    writeItems(child, of: target, named: element, into: node)
                } else {
                    write(child, shape: m.shape, into: node.child(element))
                }
            }
        case .list, .map:
            writeItems(value, of: shape, named: nil, into: node)
        case .timestamp:
            if case .number(let t) = value, let seconds = Double(t) { node.text = Self.iso8601(Date(timeIntervalSince1970: seconds)) }
        default:
            switch value {
            case .string(let s): node.text = s
            case .number(let n): node.text = n
            case .bool(let b): node.text = b ? "true" : "false"
            default: node.text = value.compact
            }
        }
    }

    /// A list's items or a map's entries, inside `node` (named `name` when flattened).
    func writeItems(_ value: JSONValue, of shape: ShapeModel, named name: String?, into node: XMLNode) {
        if shape.kind == .list, case .array(let items) = value, let member = shape.member {
            for item in items { write(item, shape: member, into: node.child(name ?? shape.memberName ?? "member")) }
        } else if shape.kind == .map, case .object(let entries) = value, let valueShape = shape.value {
            for (key, v) in entries.sorted(by: { $0.0 < $1.0 }) {
                let entry = node.child(name ?? "entry")
                entry.child(shape.keyName ?? "key").text = key
                write(v, shape: valueShape, into: entry.child(shape.valueName ?? "value"))
            }
        }
    }

    /// Whole seconds, as `ISO8601DateFormatter`'s internet date-time writes them (without its cost on every answer).
    static func iso8601(_ d: Date) -> String { CivilTime(d).isoDateTime + "Z" }

    /// The query protocol's error body.
    static func error(code: String, message: String, senderFault: Bool, requestID: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + "<ErrorResponse><Error><Type>\(senderFault ? "Sender" : "Receiver")</Type><Code>\(escape(code))</Code><Message>\(escape(message))</Message></Error>"
            + "<RequestId>\(requestID)</RequestId></ErrorResponse>\n"
    }

    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` with XML's five entities (and CR) escaped; runs without them are copied whole.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() {
                let entity: StaticString
                switch b {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&apos;"
                case UInt8(ascii: "\r"): entity = "&#xD;"
                default: continue
                }
                out.append(contentsOf: bytes[start..<i])
                entity.withUTF8Buffer { out.append(contentsOf: $0) }
                start = i + 1
            }
            out.append(contentsOf: bytes[start...])
        }
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

    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
        if let text { XMLResponseEncoder.escape(text, into: &out) }
        for c in children { c.write(to: &out) }
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
    }
}
