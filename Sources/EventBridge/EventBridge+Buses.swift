import CloudCafeCore
import EventBridgeAPI
import Foundation

/// A custom event bus; each region also has its `default` bus, which always exists.
struct StoredBus: Sendable, Codable {
    let name: String
    let arn: ARN
    var description: String?
    let created: Date
}

// Event buses: the default one and the account's own.
extension EventBridge {
    /// A bus name from a name or an ARN (`arn:aws:events:…:event-bus/orders`); nil is `default`.
    static func busName(_ nameOrArn: String?) -> String {
        guard let text = nameOrArn, !text.isEmpty else { return "default" }
        if let arn = ARN(text), arn.resource.hasPrefix("event-bus/") { return String(arn.resource.dropFirst("event-bus/".count)) }
        return text
    }

    static func busArn(_ name: String, _ ctx: CallContext) -> ARN { ctx.arn("events", "event-bus/\(name)") }

    /// The bus `nameOrArn` names, which must exist; its name.
    func bus(_ nameOrArn: String?, _ ctx: CallContext) throws(EventBridgeError) -> String {
        let name = Self.busName(nameOrArn)
        guard name == "default" || buses[Self.busArn(name, ctx)] != nil else {
            throw .init(code: .resourceNotFound, message: "Event bus \(name) does not exist.")
        }
        return name
    }

    func createEventBus(_ input: CreateEventBusRequest, _ ctx: CallContext) throws(EventBridgeError) -> CreateEventBusResponse {
        let arn = Self.busArn(input.name, ctx)
        guard input.name != "default", buses[arn] == nil else {
            throw .init(code: .resourceAlreadyExists, message: "Event bus \(input.name) already exists.")
        }
        guard input.eventSourceName == nil else { throw .validation("CloudCafe has no partner event sources.") }
        buses[arn] = StoredBus(name: input.name, arn: arn, description: input.description, created: ctx.now)
        return CreateEventBusResponse(eventBusArn: arn.description, description: input.description)
    }

    func describeEventBus(_ input: DescribeEventBusRequest, _ ctx: CallContext) throws(EventBridgeError) -> DescribeEventBusResponse {
        let name = try bus(input.name, ctx)
        let stored = buses[Self.busArn(name, ctx)]
        return DescribeEventBusResponse(
            name: name, arn: Self.busArn(name, ctx).description, description: stored?.description, creationTime: stored?.created,
            lastModifiedTime: stored?.created)
    }

    func listEventBuses(_ input: ListEventBusesRequest, _ ctx: CallContext) throws(EventBridgeError) -> ListEventBusesResponse {
        let custom = buses.values.filter { $0.arn.region == ctx.region }.map { EventBus(name: $0.name, arn: $0.arn.description, description: $0.description, creationTime: $0.created, lastModifiedTime: $0.created) }
        let all = ([EventBus(name: "default", arn: Self.busArn("default", ctx).description)] + custom)
            .filter { input.namePrefix.map($0.name?.hasPrefix ?? { _ in false }) ?? true }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
        let (page, next) = try Self.page(all, limit: input.limit, token: input.nextToken)
        return ListEventBusesResponse(eventBuses: page, nextToken: next)
    }

    func deleteEventBus(_ input: DeleteEventBusRequest, _ ctx: CallContext) throws(EventBridgeError) -> EmptyShape {
        guard input.name != "default" else { throw .validation("Cannot delete event bus default.") }
        let arn = Self.busArn(input.name, ctx)
        // Deleting a bus that does not exist succeeds, as in AWS; its rules must be gone first.
        guard buses[arn] != nil else { return EmptyShape() }
        guard !rules.values.contains(where: { $0.bus == input.name && $0.arn.region == ctx.region }) else {
            throw .validation("Cannot delete event bus \(input.name) because it still has rules.")
        }
        buses[arn] = nil
        return EmptyShape()
    }
}
