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
        // Scanned as bytes for the first five `:` (ASCII): ARNs are parsed on every call and every firing.
        let utf8 = text.utf8
        var cuts: [String.Index] = []
        cuts.reserveCapacity(5)
        var i = utf8.startIndex
        while cuts.count < 5, let colon = utf8[i...].firstIndex(of: UInt8(ascii: ":")) {
            cuts.append(colon)
            i = utf8.index(after: colon)
        }
        guard cuts.count == 5, utf8[..<cuts[0]].elementsEqual("arn".utf8) else { return nil }
        func field(_ n: Int) -> String { String(text[utf8.index(after: cuts[n - 1])..<(n < 5 ? cuts[n] : text.endIndex)]) }
        let (partition, service) = (field(1), field(2))
        guard !partition.isEmpty, !service.isEmpty else { return nil }
        self.init(partition: partition, service: service, region: field(3), account: field(4), resource: field(5))
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
