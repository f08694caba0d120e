public import CloudCafeCore
import Foundation
import Logging
import SchedulerAPI

/// EventBridge Scheduler (the `scheduler` API): schedules in groups, each invoking one
/// target with its execution role, on the virtual clock.
public actor EventBridgeScheduler {
    struct Key: Hashable {
        let region: String
        let group: String
        let name: String
    }

    struct GroupKey: Hashable {
        let region: String
        let name: String
    }

    let dispatcher: Dispatcher
    var schedules: [Key: Schedule] = [:]
    var groups: [GroupKey: ScheduleGroup] = [:]
    let logger = Logger(label: "cloudcafe.scheduler")

    public init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// Forgets every schedule and group (admin reset).
    public func reset() {
        schedules = [:]
        groups = [:]
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
    var target: ScheduleTarget
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
    public let errorCode: String
    public let message: String
    public let httpStatus: Int

    static func notFound(_ message: String) -> Self { .init(errorCode: "ResourceNotFoundException", message: message, httpStatus: 404) }
    static func conflict(_ message: String) -> Self { .init(errorCode: "ConflictException", message: message, httpStatus: 409) }
    static func validation(_ message: String) -> Self { .init(errorCode: "ValidationException", message: message, httpStatus: 400) }
}

extension EventBridgeScheduler: AWSService {
    /// EventBridge Scheduler over rest-json. Schedules deliver through Lambda, SNS and SQS,
    /// with execution roles assumed through STS.
    public nonisolated var declarations: [ServiceDeclaration] {
        [
            ServiceDeclaration(
                model: SchedulerOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 403), calls: ["lambda", "sns", "sqs", "sts"],
                operations: [
                    bind(Self.createSchedule),
                    bind(Self.updateSchedule),
                    bind(Self.getSchedule),
                    bind(Self.deleteSchedule),
                    bind(Self.listSchedules),
                    bind(Self.createScheduleGroup),
                    bind(Self.getScheduleGroup),
                    bind(Self.deleteScheduleGroup),
                    bind(Self.listScheduleGroups)
                ])
        ]
    }
}
