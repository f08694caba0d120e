/// An Amazon Resource Name, parsed once: `arn:partition:service:region:account:resource`.
///
/// The resource part may itself contain `:` (Lambda's `function:name:qualifier`), so only
/// the first five separators split fields.
public struct ARN: Sendable, Hashable, CustomStringConvertible, Codable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    /// Builds an ARN from its fields.
    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses `text`; nil when it is not an ARN.
    public init?(_ text: String) {
        // Scanned as bytes for the first five `:` (ASCII), each field made from its bytes:
        // ARNs are parsed on every call and every firing, and through String indices a topic's
        // ARN took a sixtieth of a Publish.
        var text = text
        let fields: [String]? = text.withUTF8 { bytes in
            var fields: [String] = []
            fields.reserveCapacity(6)
            var start = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: ":") {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                start = i + 1
                if fields.count == 5 { break }
            }
            guard fields.count == 5, fields[0] == "arn" else { return nil }
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return fields
        }
        guard let fields, !fields[1].isEmpty, !fields[2].isEmpty else { return nil }
        self.init(partition: fields[1], service: fields[2], region: fields[3], account: fields[4], resource: fields[5])
    }

    /// Equal ARNs have equal resources and accounts: hashing those two (not all five fields)
    /// halves the cost of every lookup by ARN.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(resource)
        hasher.combine(account)
    }

    /// The canonical string form.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The URL of the queue an SQS ARN names, as SQS hands it out (SQS reads the account and
    /// name from it, whatever the host).
    public var sqsQueueURL: String { "https://sqs.\(region).amazonaws.com/\(account)/\(resource)" }

    /// The resource part after its type prefix (`role/path/name` → `path/name`; `function:f` → `f`).
    public var resourceName: String {
        if let slash = resource.firstIndex(where: { $0 == "/" || $0 == ":" }) {
            return String(resource[resource.index(after: slash)...])
        }
        return resource
    }

    /// The last path component of the resource (`role/service-role/r` → `r`).
    public var lastComponent: String {
        // The last non-empty piece between `/` and `:`, found from the end as bytes.
        let bytes = resource.utf8
        let separator = { (b: UInt8) in b == UInt8(ascii: "/") || b == UInt8(ascii: ":") }
        guard let last = bytes.lastIndex(where: { !separator($0) }) else { return resource }
        let end = bytes.index(after: last)
        let start = bytes[..<end].lastIndex(where: separator).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(Substring(bytes[start..<end]))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let arn = ARN(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ARN: \(text)"))
        }
        self = arn
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
