public import Foundation

/// A value read straight from a `JSONValue`: the generated shapes, whose `init?(reading:)`
/// gives what `JSONValueDecoder` makes of their Codable conformance whenever the tree is as
/// the shape says, and nil otherwise; the decoder then reads it again and says what is wrong.
/// Through Codable, every member took a container, a coding path and generic metadata
/// lookups: a tenth of a small call's instructions.
public protocol JSONValueReadable {
    init?(reading value: JSONValue)
}

extension JSONValueReadable where Self: Decodable {
    /// The value read from `tree`, through Codable (for its error) when the reader gives up.
    public static func decode(from tree: JSONValue) throws -> Self {
        if let value = Self(reading: tree) { return value }
        return try JSONValueDecoder().decode(Self.self, from: tree)
    }
}

// Each as `JSONValueDecoder` reads the same member, nil where it would throw (or where its
// reading is not the common one: a whole number written `1e3` is left to it).
extension JSONValue {
    @inlinable public var readString: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    @inlinable public var readBool: Bool? {
        guard case .bool(let b) = self else { return nil }
        return b
    }

    @inlinable public var readInt: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    @inlinable public var readDouble: Double? {
        guard case .number(let text) = self, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    @inlinable public var readDate: Date? { readDouble.map { Date(timeIntervalSince1970: $0) } }

    @inlinable public var readData: Data? { readString.flatMap { Data(base64Encoded: $0) } }

    @inlinable public func readArray<T>(_ element: (JSONValue) -> T?) -> [T]? {
        guard case .array(let items) = self else { return nil }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let value = element(item) else { return nil }
            out.append(value)
        }
        return out
    }

    /// A repeated key reads as its last occurrence, as in the decoder.
    @inlinable public func readMap<T>(_ element: (JSONValue) -> T?) -> [String: T]? {
        guard case .object(let members) = self else { return nil }
        var out: [String: T] = [:]
        out.reserveCapacity(members.count)
        for (key, item) in members {
            guard let value = element(item) else { return nil }
            out[key] = value
        }
        return out
    }
}
