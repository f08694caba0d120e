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
        // Split as bytes: ARNs are parsed on every call and every firing, and `:` is ASCII.
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].elementsEqual("arn".utf8), !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(
            partition: String(Substring(parts[1])), service: String(Substring(parts[2])), region: String(Substring(parts[3])),
            account: String(Substring(parts[4])), resource: String(Substring(parts[5])))
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
        String(resource.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? Substring(resource))
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
