public import CloudCafeCore
import EventBridgeAPI
public import Foundation

/// EventBridge (CloudWatch Events): rules on the default bus, their targets, and the
/// schedule state the Scheduler advances.
public actor EventBridge {
    let dispatcher: Dispatcher
    /// Written only through `store` and `remove`, which keep each rule's next firing on the Agenda.
    private(set) var rules: [ARN: StoredRule] = [:]
    /// Rule ARNs as firings carry them, parsed once (a text always parses to the same ARN).
    var firingArns: [String: ARN] = [:]
    /// Custom event buses (the default bus is implicit).
    var buses: [ARN: StoredBus] = [:]

    public init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// The Agenda kind of a rule's firing; its payload is the rule's ARN.
    static let firingKind = "events.rule"

    /// Stores `rule` and puts its next firing on the Agenda (or takes it off).
    func store(_ rule: StoredRule) {
        rules[rule.arn] = rule
        let id = "\(Self.firingKind)|\(rule.arnText)"
        if let next = rule.nextFire {
            dispatcher.agenda.schedule(AgendaItem(id: id, kind: Self.firingKind, due: next, text: rule.arnText))
        } else {
            dispatcher.agenda.cancel(id)
        }
    }

    /// Forgets a rule and its next firing.
    func remove(_ arn: ARN) {
        rules[arn] = nil
        dispatcher.agenda.cancel("\(Self.firingKind)|\(arn)")
    }

    func rule(_ name: String, bus nameOrArn: String?, _ ctx: CallContext) throws(EventBridgeError) -> StoredRule {
        let bus = try bus(nameOrArn, ctx)
        guard let r = rules[Self.ruleArn(name, bus: bus, ctx)] else { throw .ruleNotFound(name, bus: bus) }
        return r
    }

    /// `rule/<name>` on the default bus, `rule/<bus>/<name>` on another.
    static func ruleArn(_ name: String, bus: String?, _ ctx: CallContext) -> ARN {
        let b = busName(bus)
        return ctx.arn("events", b == "default" ? "rule/\(name)" : "rule/\(b)/\(name)")
    }

    /// Forgets every rule, its firings, and every custom bus (admin reset).
    public func reset() {
        for arn in rules.keys { remove(arn) }
        buses = [:]
    }
}

/// A rule and its targets.
struct StoredRule: Sendable, Codable {
    let name: String
    /// The bus it listens on.
    var bus = "default"
    let arn: ARN
    /// The ARN as text, kept for ordering firings without rebuilding it.
    let arnText: String
    var scheduleText: String?
    var schedule: ScheduleExpression? { didSet { refresh() } }
    var eventPattern: String?
    var pattern: EventPattern?
    var enabled: Bool { didSet { refresh() } }
    var description: String?
    var roleArn: String?
    var targets: [Target] = []
    var tags: [String: String] = [:]
    /// The instant after which the next firing is sought: the last firing, or when the
    /// schedule started. It never moves back, so moving the clock back fires nothing twice.
    var cursor: Date { didSet { refresh() } }
    /// When the schedule started: rate schedules count their intervals from here.
    var anchor: Date { didSet { refresh() } }
    /// The next firing, kept up to date as the fields it depends on change, so finding the
    /// earliest due rule costs a comparison per rule.
    private(set) var nextFire: Date?

    init(name: String, arn: ARN, enabled: Bool, cursor: Date, anchor: Date) {
        self.name = name
        self.arn = arn
        self.arnText = arn.description
        self.enabled = enabled
        self.cursor = cursor
        self.anchor = anchor
    }

    /// The rule's State as the API spells it.
    var state: String { enabled ? "ENABLED" : "DISABLED" }

    // A rule encodes its texts; its schedule and pattern are compiled again, its next firing found again.
    enum CodingKeys: String, CodingKey {
        case name, bus, arn, scheduleText, eventPattern, enabled, description, roleArn, targets, tags, cursor, anchor
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), arn: try c.decode(ARN.self, forKey: .arn), enabled: try c.decode(Bool.self, forKey: .enabled),
            cursor: try c.decode(Date.self, forKey: .cursor), anchor: try c.decode(Date.self, forKey: .anchor))
        bus = try c.decode(String.self, forKey: .bus)
        scheduleText = try c.decodeIfPresent(String.self, forKey: .scheduleText)
        schedule = scheduleText.flatMap(ScheduleExpression.init)
        eventPattern = try c.decodeIfPresent(String.self, forKey: .eventPattern)
        pattern = eventPattern.flatMap { try? EventPattern($0) }
        description = try c.decodeIfPresent(String.self, forKey: .description)
        roleArn = try c.decodeIfPresent(String.self, forKey: .roleArn)
        targets = try c.decode([Target].self, forKey: .targets)
        tags = try c.decode([String: String].self, forKey: .tags)
        refresh()
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(bus, forKey: .bus)
        try c.encode(arn, forKey: .arn)
        try c.encodeIfPresent(scheduleText, forKey: .scheduleText)
        try c.encodeIfPresent(eventPattern, forKey: .eventPattern)
        try c.encode(enabled, forKey: .enabled)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(roleArn, forKey: .roleArn)
        try c.encode(targets, forKey: .targets)
        try c.encode(tags, forKey: .tags)
        try c.encode(cursor, forKey: .cursor)
        try c.encode(anchor, forKey: .anchor)
    }

    private mutating func refresh() {
        nextFire = enabled ? schedule?.next(after: cursor, anchor: anchor) : nil
    }
}

extension EventBridge: AWSService {
    /// EventBridge over JSON 1.1; rules deliver to Lambda and SNS targets.
    public nonisolated var declarations: [ServiceDeclaration] {
        typealias Op = EventBridgeOperations
        let rule: @Sendable (String, String?, CallContext) -> String = { name, bus, c in Self.ruleArn(name, bus: bus, c).description }
        let bus: @Sendable (String?, CallContext) -> String = { name, c in Self.busArn(Self.busName(name), c).description }
        return [
            ServiceDeclaration(
                model: Op.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 400), calls: ["lambda", "sns", "sqs"],
                agenda: [AgendaKind(Self.firingKind, priority: 0) { [self] item in await fire(item) }],
                operations: [
                    implement(Op.putRule, resource: { i, c in rule(i.name, i.eventBusName, c) }) { try await $0.putRule($1, $2) },
                    implement(Op.putTargets, resource: { i, c in rule(i.rule, i.eventBusName, c) }) { try await $0.putTargets($1, $2) },
                    implement(Op.enableRule, resource: { i, c in rule(i.name, i.eventBusName, c) }) { try await $0.setEnabled(true, $1.name, bus: $1.eventBusName, $2) },
                    implement(Op.disableRule, resource: { i, c in rule(i.name, i.eventBusName, c) }) {
                        try await $0.setEnabled(false, $1.name, bus: $1.eventBusName, $2)
                    },
                    implement(Op.describeRule, resource: { i, c in rule(i.name, i.eventBusName, c) }) { try await $0.describeRule($1, $2) },
                    implement(Op.listRules) { try await $0.listRules($1, $2) },
                    implement(Op.deleteRule, resource: { i, c in rule(i.name, i.eventBusName, c) }) { try await $0.deleteRule($1, $2) },
                    implement(Op.listTargetsByRule, resource: { i, c in rule(i.rule, i.eventBusName, c) }) { try await $0.listTargets($1, $2) },
                    implement(Op.removeTargets, resource: { i, c in rule(i.rule, i.eventBusName, c) }) { try await $0.removeTargets($1, $2) },
                    implement(Op.createEventBus, resource: { i, c in bus(i.name, c) }) { try await $0.createEventBus($1, $2) },
                    implement(Op.describeEventBus, resource: { i, c in bus(i.name, c) }) { try await $0.describeEventBus($1, $2) },
                    implement(Op.listEventBuses) { try await $0.listEventBuses($1, $2) },
                    implement(Op.deleteEventBus, resource: { i, c in bus(i.name, c) }) { try await $0.deleteEventBus($1, $2) },
                    implement(Op.listRuleNamesByTarget) { try await $0.ruleNames($1, $2) },
                    implement(Op.tagResource, resource: { i, _ in i.resourceARN }) { events, i, _ in
                        try await events.tag(i.resourceARN, adding: i.tags, removing: [])
                        return TagResourceResponse()
                    },
                    implement(Op.untagResource, resource: { i, _ in i.resourceARN }) { events, i, _ in
                        try await events.tag(i.resourceARN, adding: [], removing: i.tagKeys)
                        return UntagResourceResponse()
                    },
                    implement(Op.listTagsForResource, resource: { i, _ in i.resourceARN }) { events, i, _ in try await events.listTags(i.resourceARN) },
                    implement(Op.putEvents, resource: { _, c in c.arn("events", "event-bus/default").description }) { try await $0.putEvents($1, $2) },
                    implement(Op.testEventPattern) { events, i, _ in try events.testEventPattern(i) },
                ])
        ]
    }
}

extension EventBridge: StatefulService {
    struct State: Sendable, Codable {
        let rules: [ARN: StoredRule]
        let buses: [ARN: StoredBus]
    }

    public nonisolated var stateName: String { "events" }
    public func captureState() -> any Sendable { State(rules: rules, buses: buses) }

    /// The Agenda is put back with the rest of a snapshot, firings included.
    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (rules, buses) = (s.rules, s.buses)
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }
}
