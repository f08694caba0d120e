import CloudCafeCore
import EventBridgeAPI
import Foundation

// PutEvents: each event goes to the targets of every enabled rule whose pattern matches it.
extension EventBridge {
    func putEvents(_ input: PutEventsRequest, _ ctx: CallContext) async throws(EventBridgeError) -> PutEventsResponse {
        let size = input.entries.reduce(0) { $0 + ($1.detail?.utf8.count ?? 0) + ($1.source?.utf8.count ?? 0) + ($1.detailType?.utf8.count ?? 0) }
        guard size <= 262_144 else { throw .validation("Total size of the entries in the request is over the limit.") }
        var results: [PutEventsResultEntry] = []
        for entry in input.entries {
            guard let bus = try? bus(entry.eventBusName, ctx) else {
                results.append(
                    PutEventsResultEntry(
                        errorCode: "ResourceNotFoundException", errorMessage: "Event bus \(Self.busName(entry.eventBusName)) does not exist."))
                continue
            }
            guard let event = event(from: entry, ctx) else {
                let missing = entry.source == nil ? "Source" : entry.detailType == nil ? "DetailType" : "Detail"
                results.append(
                    PutEventsResultEntry(
                        eventId: nil, errorCode: "InvalidArgument",
                        errorMessage: "Parameter \(missing) is not valid. Reason: \(missing) is a required argument."))
                continue
            }
            results.append(PutEventsResultEntry(eventId: event["id"]?.stringValue))
            dispatcher.timeline.record(
                "event", id: event["id"]?.stringValue, cause: ctx.requestID, time: ctx.now,
                details: [
                    ("bus", .string(bus)), ("source", event["source"] ?? .null), ("detailType", event["detail-type"] ?? .null),
                    ("rules", .array(matchingRules(event, on: bus, region: ctx.region).map { .string($0.name) })),
                ])
            await route(event, on: bus, region: ctx.region)
        }
        return PutEventsResponse(failedEntryCount: results.filter { $0.errorCode != nil }.count, entries: results)
    }

    /// Sends `event` to the targets of every enabled rule on `bus` whose pattern matches it.
    /// An event bus target routes it again, a few hops at most, as AWS stops loops.
    func route(_ event: JSONValue, on bus: String, region: String, hops: Int = 0) async {
        guard hops < 5 else { return }
        for rule in matchingRules(event, on: bus, region: region) {
            for target in rule.targets { await deliver(event, to: target, from: rule, hops: hops) }
        }
    }

    func matchingRules(_ event: JSONValue, on bus: String, region: String) -> [StoredRule] {
        rules.values
            .filter { $0.enabled && $0.bus == bus && $0.arn.region == region && ($0.pattern?.matches(event) ?? false) }
            .sorted { $0.arnText < $1.arnText }
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

extension EventBridge {
    /// TestEventPattern: whether an event matches a pattern, with PutRule's refusals for the
    /// pattern. The event must be one EventBridge could deliver: a JSON object with its envelope.
    nonisolated func testEventPattern(_ input: TestEventPatternRequest) throws(EventBridgeError) -> TestEventPatternResponse {
        let pattern: EventPattern
        do {
            pattern = try EventPattern(input.eventPattern)
        } catch {
            throw EventBridgeError(code: .invalidEventPattern, message: "Event pattern is not valid. Reason: " + error.reason)
        }
        guard let event = try? JSONValue(parsing: input.event), case .object = event,
            ["id", "account", "source", "time", "region", "detail-type"].allSatisfy({ event[$0]?.stringValue != nil })
        else { throw EventBridgeError(code: .invalidEventPattern, message: "Parameter Event is not valid.") }
        return TestEventPatternResponse(result: pattern.matches(event))
    }
}
