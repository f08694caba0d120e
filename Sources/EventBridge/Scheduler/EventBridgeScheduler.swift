public import CloudCafeCore
import Foundation
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

    struct GroupKey: Hashable {
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
struct ScheduleGroup: Sendable {
    let name: String
    let arn: ARN
    let created: Date
}

/// A schedule and where it is in time.
struct Schedule: Sendable {
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
    struct State: Sendable {
        let schedules: [Key: Schedule]
        let groups: [GroupKey: ScheduleGroup]
    }

    public nonisolated var stateName: String { "scheduler" }
    public func captureState() -> any Sendable { State(schedules: schedules, groups: groups) }

    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (schedules, groups) = (s.schedules, s.groups)
    }
}
