public import CloudCafeCore
public import Foundation
import Logging
public import SchedulerAPI

/// EventBridge Scheduler (the `scheduler` API): schedules in groups, each invoking one
/// target with its execution role, on the virtual clock.
public actor EventBridgeScheduler {
    struct Key: Hashable, Codable {
        let region: String
        let group: String
        let name: String
    }

    struct GroupKey: Hashable, Codable {
        let region: String
        let name: String
    }

    let dispatcher: Dispatcher
    /// Written only through `store` and `remove`, which keep each schedule's next delivery on the Agenda.
    private(set) var schedules: [Key: Schedule] = [:]
    var groups: [GroupKey: ScheduleGroup] = [:]
    let logger = Logger(label: "cloudcafe.scheduler")

    public init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// Forgets every schedule and group (admin reset).
    public func reset() {
        for key in schedules.keys { remove(key) }
        groups = [:]
    }

    /// Agenda kinds: a schedule's delivery, and a retry of a refused one.
    static let deliveryKind = "scheduler.schedule"
    static let retryKind = "scheduler.retry"

    /// A delivery on the Agenda: which schedule, and the nominal instant it is for.
    struct Due: Codable {
        let key: Key
        let nominal: Date
    }

    static func agendaID(_ key: Key) -> String { "\(deliveryKind)|\(key.region)|\(key.group)|\(key.name)" }

    /// Stores a schedule and puts its next delivery on the Agenda (or takes it off).
    func store(_ key: Key, _ schedule: Schedule) {
        schedules[key] = schedule
        if let nominal = schedule.nextNominal {
            dispatcher.agenda.schedule(
                AgendaItem(id: Self.agendaID(key), kind: Self.deliveryKind, due: schedule.due(nominal), payload: Due(key: key, nominal: nominal)))
        } else {
            dispatcher.agenda.cancel(Self.agendaID(key))
        }
    }

    /// Forgets a schedule and its next delivery.
    func remove(_ key: Key) {
        schedules[key] = nil
        dispatcher.agenda.cancel(Self.agendaID(key))
    }

    func group(_ name: String?, _ ctx: CallContext) throws(SchedulerError) -> String {
        let g = name ?? "default"
        guard g == "default" || groups[GroupKey(region: ctx.region, name: g)] != nil else {
            throw .notFound("Schedule group \(g) does not exist.")
        }
        return g
    }
}

/// A schedule group.
struct ScheduleGroup: Sendable, Codable {
    let name: String
    let arn: ARN
    let created: Date
}

/// A schedule and where it is in time. It encodes its expression as text, compiled again
/// in its time zone.
struct Schedule: Sendable, Codable {
    var name: String
    var group: String
    var arn: ARN
    var expressionText: String
    var expression: ZonedSchedule
    var timezoneName: String?
    var start: Date?
    var end: Date?
    var enabled: Bool
    var flexibleWindowMinutes: Int?
    var target: Target
    var deleteAfterCompletion: Bool
    var description: String?
    let created: Date
    var modified: Date
    /// The last nominal instant handled (fired or skipped); the next one comes after it.
    var cursor: Date
    var anchor: Date

    /// The schedule's State as the API spells it.
    var state: String { enabled ? "ENABLED" : "DISABLED" }

    enum CodingKeys: String, CodingKey {
        case name, group, arn, expressionText, timezoneName, start, end, enabled, flexibleWindowMinutes, target, deleteAfterCompletion, description
        case created, modified, cursor, anchor
    }

    init(
        name: String, group: String, arn: ARN, expressionText: String, expression: ZonedSchedule, timezoneName: String?, start: Date?, end: Date?,
        enabled: Bool, flexibleWindowMinutes: Int?, target: Target, deleteAfterCompletion: Bool, description: String?, created: Date, modified: Date,
        cursor: Date, anchor: Date
    ) {
        (self.name, self.group, self.arn, self.expressionText, self.expression, self.timezoneName) = (name, group, arn, expressionText, expression, timezoneName)
        (self.start, self.end, self.enabled, self.flexibleWindowMinutes, self.target) = (start, end, enabled, flexibleWindowMinutes, target)
        (self.deleteAfterCompletion, self.description, self.created, self.modified, self.cursor, self.anchor) = (
            deleteAfterCompletion, description, created, modified, cursor, anchor
        )
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .expressionText)
        let zoneName = try c.decodeIfPresent(String.self, forKey: .timezoneName)
        guard let zone = TimeZone(identifier: zoneName ?? "UTC"), let expression = ZonedSchedule(text, zone: zone) else {
            throw DecodingError.dataCorruptedError(forKey: .expressionText, in: c, debugDescription: "the schedule expression \(text) no longer compiles")
        }
        self.init(
            name: try c.decode(String.self, forKey: .name), group: try c.decode(String.self, forKey: .group), arn: try c.decode(ARN.self, forKey: .arn),
            expressionText: text, expression: expression, timezoneName: zoneName, start: try c.decodeIfPresent(Date.self, forKey: .start),
            end: try c.decodeIfPresent(Date.self, forKey: .end), enabled: try c.decode(Bool.self, forKey: .enabled),
            flexibleWindowMinutes: try c.decodeIfPresent(Int.self, forKey: .flexibleWindowMinutes), target: try c.decode(Target.self, forKey: .target),
            deleteAfterCompletion: try c.decode(Bool.self, forKey: .deleteAfterCompletion), description: try c.decodeIfPresent(String.self, forKey: .description),
            created: try c.decode(Date.self, forKey: .created), modified: try c.decode(Date.self, forKey: .modified),
            cursor: try c.decode(Date.self, forKey: .cursor), anchor: try c.decode(Date.self, forKey: .anchor))
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(group, forKey: .group)
        try c.encode(arn, forKey: .arn)
        try c.encode(expressionText, forKey: .expressionText)
        try c.encodeIfPresent(timezoneName, forKey: .timezoneName)
        try c.encodeIfPresent(start, forKey: .start)
        try c.encodeIfPresent(end, forKey: .end)
        try c.encode(enabled, forKey: .enabled)
        try c.encodeIfPresent(flexibleWindowMinutes, forKey: .flexibleWindowMinutes)
        try c.encode(target, forKey: .target)
        try c.encode(deleteAfterCompletion, forKey: .deleteAfterCompletion)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(created, forKey: .created)
        try c.encode(modified, forKey: .modified)
        try c.encode(cursor, forKey: .cursor)
        try c.encode(anchor, forKey: .anchor)
    }

    /// The next nominal firing within the schedule's start and end dates.
    var nextNominal: Date? {
        guard enabled else { return nil }
        var after = cursor
        if let start, after < start { after = start.addingTimeInterval(-0.001) }
        guard let n = expression.next(after: after, anchor: anchor) else { return nil }
        if let end, n > end { return nil }
        return n
    }

    /// When a nominal firing is delivered: a deterministic offset inside a flexible window.
    func due(_ nominal: Date) -> Date {
        guard let minutes = flexibleWindowMinutes, minutes > 0 else { return nominal }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in "\(arn)|\(nominal.timeIntervalSince1970)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return nominal.addingTimeInterval(TimeInterval(h % UInt64(minutes * 60)))
    }
}

/// Scheduler errors (rest-json, `Message`).
public struct SchedulerError: AWSServiceError {
    public let code: SchedulerErrorCode
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }

    static func notFound(_ message: String) -> Self { .init(code: .resourceNotFound, message: message) }
    static func conflict(_ message: String) -> Self { .init(code: .conflict, message: message) }
    static func validation(_ message: String) -> Self { .init(code: .validation, message: message) }
}

extension EventBridgeScheduler: AWSService {
    /// EventBridge Scheduler over rest-json. Schedules deliver through Lambda, SNS and SQS,
    /// with execution roles assumed through STS.
    public nonisolated var declarations: [ServiceDeclaration] {
        typealias Op = SchedulerOperations
        let schedule: @Sendable (String?, String, CallContext) -> String = { g, name, c in Self.scheduleArn(g, name, c).description }
        let group: @Sendable (String, CallContext) -> String = { name, c in c.arn("scheduler", "schedule-group/\(name)").description }
        return [
            ServiceDeclaration(
                model: SchedulerOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 403), calls: ["lambda", "sns", "sqs", "sts"],
                agenda: [
                    AgendaKind(Self.deliveryKind, priority: 1) { [self] item in await fire(item) },
                    AgendaKind(Self.retryKind, priority: 2) { [self] item in
                        guard let retry = try? item.payload(as: Retry.self) else { return nil }
                        await deliver(retry)
                        return nil
                    },
                ],
                operations: [
                    implement(Op.createSchedule, resource: { i, c in schedule(i.groupName, i.name, c) }) { s, i, ctx in
                        try await CreateScheduleOutput(scheduleArn: s.put(ScheduleSpec(i), creating: true, ctx))
                    },
                    implement(Op.updateSchedule, resource: { i, c in schedule(i.groupName, i.name, c) }) { s, i, ctx in
                        try await UpdateScheduleOutput(scheduleArn: s.put(ScheduleSpec(i), creating: false, ctx))
                    },
                    implement(Op.getSchedule, resource: { i, c in schedule(i.groupName, i.name, c) }) { try await $0.get($1, $2) },
                    implement(Op.deleteSchedule, resource: { i, c in schedule(i.groupName, i.name, c) }) { try await $0.delete($1, $2) },
                    implement(Op.listSchedules) { try await $0.list($1, $2) },
                    implement(Op.createScheduleGroup, resource: { i, c in group(i.name, c) }) { try await $0.createGroup($1, $2) },
                    implement(Op.getScheduleGroup, resource: { i, c in group(i.name, c) }) { try await $0.getGroup($1, $2) },
                    // Deleting a group deletes its schedules.
                    implement(Op.deleteScheduleGroup, resource: { i, c in group(i.name, c) }) { try await $0.deleteGroup($1, $2) },
                    implement(Op.listScheduleGroups) { s, _, ctx in await s.listGroups(ctx) },
                ])
        ]
    }
}

extension EventBridgeScheduler: StatefulService {
    struct State: Sendable, Codable {
        let schedules: [Key: Schedule]
        let groups: [GroupKey: ScheduleGroup]
    }

    public nonisolated var stateName: String { "scheduler" }
    public func captureState() -> any Sendable { State(schedules: schedules, groups: groups) }

    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (schedules, groups) = (s.schedules, s.groups)
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }
}
