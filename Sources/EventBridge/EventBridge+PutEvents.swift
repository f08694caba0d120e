public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore events 2015-10-07)

/// One event a client puts.
public struct PutEventsRequestEntry: Sendable, Codable {
    public var time: Date?
    public var source: String?
    public var resources: [String]?
    public var detailType: String?
    public var detail: String?
    public var eventBusName: String?
    enum CodingKeys: String, CodingKey {
        case time = "Time", source = "Source", resources = "Resources", detailType = "DetailType", detail = "Detail", eventBusName = "EventBusName"
    }
    public init(source: String?, detailType: String?, detail: String?, resources: [String]? = nil, time: Date? = nil) {
        self.source = source
        self.detailType = detailType
        self.detail = detail
        self.resources = resources
        self.time = time
    }
}

/// PutEvents input.
public struct PutEventsInput: Sendable, Codable {
    public var entries: [PutEventsRequestEntry]
    enum CodingKeys: String, CodingKey { case entries = "Entries" }
    public init(entries: [PutEventsRequestEntry]) { self.entries = entries }
}

/// The fate of one entry.
public struct PutEventsResultEntry: Sendable, Codable {
    public var eventId: String?
    public var errorCode: String?
    public var errorMessage: String?
    enum CodingKeys: String, CodingKey { case eventId = "EventId", errorCode = "ErrorCode", errorMessage = "ErrorMessage" }
}

/// PutEvents output.
public struct PutEventsOutput: Sendable, Codable {
    public var failedEntryCount: Int
    public var entries: [PutEventsResultEntry]
    enum CodingKeys: String, CodingKey { case failedEntryCount = "FailedEntryCount", entries = "Entries" }
}

extension EventBridge {
    /// PutEvents: each event goes to the targets of every enabled rule whose pattern matches it.
    public static let putEvents = Operation<EventBridge, PutEventsInput, PutEventsOutput>(
        name: "PutEvents", action: "events:PutEvents", resource: { _, c in c.arn("events", "event-bus/default").description }
    ) { events, input, ctx in try await events.putEvents(input, ctx) }

    func putEvents(_ input: PutEventsInput, _ ctx: CallContext) async throws(EventBridgeError) -> PutEventsOutput {
        guard (1...10).contains(input.entries.count) else {
            throw .validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")
        }
        let size = input.entries.reduce(0) { $0 + ($1.detail?.utf8.count ?? 0) + ($1.source?.utf8.count ?? 0) + ($1.detailType?.utf8.count ?? 0) }
        guard size <= 262_144 else { throw .validation("Total size of the entries in the request is over the limit.") }
        var results: [PutEventsResultEntry] = []
        for entry in input.entries {
            guard let event = event(from: entry, ctx) else {
                let missing = entry.source == nil ? "Source" : entry.detailType == nil ? "DetailType" : "Detail"
                results.append(
                    PutEventsResultEntry(
                        eventId: nil, errorCode: "InvalidArgument",
                        errorMessage: "Parameter \(missing) is not valid. Reason: \(missing) is a required argument."))
                continue
            }
            results.append(PutEventsResultEntry(eventId: event["id"]?.stringValue))
            let matching = rules.values
                .filter { $0.enabled && $0.arn.region == ctx.region && ($0.pattern?.matches(event) ?? false) }
                .sorted { $0.arn.description < $1.arn.description }
            for rule in matching {
                for target in rule.targets { await deliver(event, to: target, from: rule) }
            }
        }
        return PutEventsOutput(failedEntryCount: results.filter { $0.errorCode != nil }.count, entries: results)
    }

    /// The event EventBridge builds from an entry, or nil when the entry lacks what it must have.
    func event(from entry: PutEventsRequestEntry, _ ctx: CallContext) -> JSONValue? {
        guard let source = entry.source, !source.isEmpty, let detailType = entry.detailType, let detailText = entry.detail,
            let detail = try? JSONValue(parsing: detailText), case .object = detail
        else { return nil }
        return .object([
            ("version", .string("0")),
            ("id", .string(dispatcher.ids.uuid())),
            ("detail-type", .string(detailType)),
            ("source", .string(source)),
            ("account", .string(ctx.account)),
            ("time", .string(Self.eventTime(entry.time ?? ctx.now))),
            ("region", .string(ctx.region)),
            ("resources", .array((entry.resources ?? []).map { .string($0) })),
            ("detail", detail),
        ])
    }
}
