import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads requests and writes answers from a service's model: where each member travels
/// (body, path, query string, header, status code) and of what type. One implementation per
/// protocol, shared by every service that speaks it.
struct WireBinding {
    let model: ServiceModel

    // MARK: - query

    /// The members of a query request as a JSON tree of the input shape: `Names.member.1`
    /// becomes a list, `Attributes.entry.1.key`/`.value` a map, numbers and booleans typed.
    func queryTree(_ parameters: [String: String], shape: String) -> JSONValue {
        var prefixes = Set<Substring>()
        for key in parameters.keys {
            // Stepped as UTF-8 (a `.` is one byte): Character steps were a thirtieth of a Publish.
            let utf8 = key.utf8
            var i = utf8.startIndex
            while i < utf8.endIndex {
                if utf8[i] == UInt8(ascii: ".") { prefixes.insert(key[..<i]) }
                i = utf8.index(after: i)
            }
        }
        let present = { (path: String) in parameters[path] != nil || prefixes.contains(Substring(path)) }
        return queryValue(parameters, present, path: "", shape: shape, depth: 0) ?? .object([])
    }

    private func queryValue(
        _ p: [String: String], _ present: (String) -> Bool, path: String, shape name: String, depth: Int
    ) -> JSONValue? {
        guard let shape = model.shapes[name], depth < 32 else { return nil }
        let child = { (key: String) in path.isEmpty ? key : "\(path).\(key)" }
        switch shape.kind {
        case .structure:
            var members: [(String, JSONValue)] = []
            for m in shape.members {
                let key = child(m.locationName ?? m.name)
                guard present(key), let v = queryValue(p, present, path: key, shape: m.shape, depth: depth + 1) else { continue }
                members.append((m.name, v))
            }
            return .object(members)
        case .list:
            guard let member = shape.member else { return nil }
            let item = shape.flattened ? path : child(shape.memberName ?? "member")
            var items: [JSONValue] = []
            var n = 1
            while present("\(item).\(n)"), let v = queryValue(p, present, path: "\(item).\(n)", shape: member, depth: depth + 1) {
                items.append(v)
                n += 1
            }
            // An empty list travels as `Name=`.
            return items.isEmpty && p[path] == nil ? nil : .array(items)
        case .map:
            guard let valueShape = shape.value else { return nil }
            let entry = shape.flattened ? path : child("entry")
            var entries: [(String, JSONValue)] = []
            var n = 1
            let (keyName, valueName) = (shape.keyName ?? "key", shape.valueName ?? "value")
            while let key = p["\(entry).\(n).\(keyName)"] {
                entries.append((key, queryValue(p, present, path: "\(entry).\(n).\(valueName)", shape: valueShape, depth: depth + 1) ?? .string("")))
                n += 1
            }
            return .object(entries)
        default:
            return p[path].map { Self.scalar($0, shape.kind) }
        }
    }

    /// A text value as its shape's JSON type; text that is not one stays text, and decoding
    /// reports the mismatch.
    static func scalar(_ text: String, _ kind: ShapeModel.Kind) -> JSONValue {
        switch kind {
        case .integer, .long: Int(text).map { .int($0) } ?? .string(text)
        case .double: Double(text) != nil ? .number(text) : .string(text)
        case .boolean: text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case .timestamp: TimeText.instant(text).map { .number(String($0.timeIntervalSince1970)) } ?? Double(text).map { _ in .number(text) } ?? .string(text)
        default: .string(text)
        }
    }

    // MARK: - rest-json

    /// The members of a rest-json request: the JSON body (or the raw payload member) with
    /// the path, query-string and header members merged in.
    func restTree(_ request: Request, body: Data, shape name: String, bound: [String: String]) throws -> JSONValue {
        guard let shape = model.shapes[name] else { return .object([]) }
        var members: [(String, JSONValue)] = []
        if let payload = shape.payload, let m = shape.members.first(where: { $0.name == payload }) {
            if model.shapes[m.shape]?.kind == .blob {
                if !body.isEmpty { members.append((payload, .string(body.base64EncodedString()))) }
            } else if !body.isEmpty {
                members.append((payload, try JSONValue(parsing: body)))
            }
        } else if !body.isEmpty {
            guard case .object(let fields) = try JSONValue(parsing: body) else {
                throw WireError.malformed("The request body must be a JSON object.", code: "InvalidRequestContentException")
            }
            let bodyNames = Set(shape.members.filter { $0.location == nil }.map(\.name))
            members = fields.filter { bodyNames.contains($0.0) }
        }
        for m in shape.members {
            guard let location = m.location else { continue }
            let wireName = m.locationName ?? m.name
            let kind = model.shapes[m.shape]?.kind ?? .string
            switch location {
            case .uri:
                if let v = bound[wireName] { members.append((m.name, Self.scalar(v, kind))) }
            case .querystring:
                let values = request.uri.queryParameters.getAll(wireName).map { String($0) }
                guard let first = values.first else { continue }
                if kind == .list {
                    members.append((m.name, .array(values.map { .string($0) })))
                } else {
                    members.append((m.name, Self.scalar(first, kind)))
                }
            case .header:
                guard let field = HTTPField.Name(wireName), let v = request.headers[field] else { continue }
                members.append((m.name, Self.scalar(v, kind)))
            case .headers, .statusCode:
                continue
            }
        }
        return .object(members)
    }

    /// A rest-json answer: header and status-code members where the model puts them, the
    /// payload member as the whole body, the rest as a JSON body.
    func restResponse(_ output: JSONValue, shape name: String?, status: Int) -> Response {
        guard let name, let shape = model.shapes[name] else {
            return status == 204 ? Response(status: .noContent) : .body(json: output, contentType: "application/json", status: .init(code: status))
        }
        var code = status
        var headers: HTTPFields = [.contentType: "application/json"]
        var bodyMembers: [(String, JSONValue)] = []
        var raw: ByteBuffer?
        for m in shape.members {
            guard let v = output[m.name] else { continue }
            switch m.location {
            case .header:
                if let field = HTTPField.Name(m.locationName ?? m.name) { headers[field] = v.stringValue ?? v.compact }
            case .statusCode:
                code = v.intValue ?? code
            case .some:
                continue
            case nil:
                if m.name == shape.payload {
                    let bytes = model.shapes[m.shape]?.kind == .blob ? v.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data() : Data(v.compact.utf8)
                    raw = ByteBuffer(bytes: bytes)
                } else {
                    bodyMembers.append((m.name, v))
                }
            }
        }
        if let raw { return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: raw)) }
        if code == 204 { return Response(status: .noContent, headers: headers) }
        return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(json: .object(bodyMembers))))
    }
}
