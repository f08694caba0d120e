import CloudCafeCore
import Foundation
import SchedulerAPI

/// What CreateSchedule and UpdateSchedule share.
struct ScheduleSpec {
    var name: String
    var groupName: String?
    var scheduleExpression: String
    var scheduleExpressionTimezone: String?
    var startDate: Date?
    var endDate: Date?
    var state: String?
    var flexibleTimeWindow: FlexibleTimeWindow
    var target: Target
    var actionAfterCompletion: String?
    var description: String?

    init(_ i: CreateScheduleInput) {
        (name, groupName, scheduleExpression, scheduleExpressionTimezone) = (i.name, i.groupName, i.scheduleExpression, i.scheduleExpressionTimezone)
        (startDate, endDate, state, flexibleTimeWindow) = (i.startDate, i.endDate, i.state, i.flexibleTimeWindow)
        (target, actionAfterCompletion, description) = (i.target, i.actionAfterCompletion, i.description)
    }

    init(_ i: UpdateScheduleInput) {
        (name, groupName, scheduleExpression, scheduleExpressionTimezone) = (i.name, i.groupName, i.scheduleExpression, i.scheduleExpressionTimezone)
        (startDate, endDate, state, flexibleTimeWindow) = (i.startDate, i.endDate, i.state, i.flexibleTimeWindow)
        (target, actionAfterCompletion, description) = (i.target, i.actionAfterCompletion, i.description)
    }
}

extension EventBridgeScheduler {
    static func scheduleArn(_ group: String?, _ name: String, _ c: CallContext) -> ARN { c.arn("scheduler", "schedule/\(group ?? "default")/\(name)") }

    func put(_ input: ScheduleSpec, creating: Bool, _ ctx: CallContext) throws(SchedulerError) -> String {
        let group = try group(input.groupName, ctx)
        let key = Key(region: ctx.region, group: group, name: input.name)
        if creating, schedules[key] != nil { throw .conflict("Schedule \(input.name) already exists.") }
        if !creating, schedules[key] == nil { throw .notFound("Schedule \(input.name) does not exist.") }
        var zone = TimeZone(identifier: "UTC") ?? .current
        if let name = input.scheduleExpressionTimezone {
            guard let z = TimeZone(identifier: name) else { throw .validation("Invalid time zone: \(name).") }
            zone = z
        }
        guard let expression = ZonedSchedule(input.scheduleExpression, zone: zone) else {
            throw .validation("Invalid Schedule Expression \(input.scheduleExpression).")
        }
        // The model checks the enums and the window's bounds; FLEXIBLE needs a window.
        var window: Int?
        if input.flexibleTimeWindow.mode == "FLEXIBLE" {
            guard let m = input.flexibleTimeWindow.maximumWindowInMinutes else {
                throw .validation("MaximumWindowInMinutes must be between 1 and 1440 when FlexibleTimeWindow mode is FLEXIBLE.")
            }
            window = m
        }
        let state = input.state ?? "ENABLED"
        let action = input.actionAfterCompletion ?? "NONE"
        if let s = input.startDate, let e = input.endDate, e <= s { throw .validation("The provided start date is later than the end date.") }
        guard ARN(input.target.arn) != nil, ARN(input.target.roleArn) != nil else { throw .validation("Invalid target or role ARN.") }
        if let dlq = input.target.deadLetterConfig?.arn, ARN(dlq)?.service != "sqs" {
            throw .validation("Invalid DeadLetterConfig arn: \(dlq). It must be the ARN of an SQS queue.")
        }
        let arn = Self.scheduleArn(group, input.name, ctx)
        let previous = schedules[key]
        store(
            key,
            Schedule(
            name: input.name, group: group, arn: arn, expressionText: input.scheduleExpression, expression: expression,
            timezoneName: input.scheduleExpressionTimezone,
            start: input.startDate, end: input.endDate, enabled: state == "ENABLED", flexibleWindowMinutes: window, target: input.target,
            deleteAfterCompletion: action == "DELETE", description: input.description, created: previous?.created ?? ctx.now, modified: ctx.now,
            cursor: max(previous?.cursor ?? ctx.now, ctx.now), anchor: input.startDate ?? ctx.now))
        return arn.description
    }

    func find(_ name: String, _ groupName: String?, _ ctx: CallContext) throws(SchedulerError) -> Schedule {
        guard let s = schedules[Key(region: ctx.region, group: groupName ?? "default", name: name)] else { throw .notFound("Schedule \(name) does not exist.") }
        return s
    }

    func get(_ input: GetScheduleInput, _ ctx: CallContext) throws(SchedulerError) -> GetScheduleOutput {
        let s = try find(input.name, input.groupName, ctx)
        return GetScheduleOutput(
            actionAfterCompletion: s.deleteAfterCompletion ? "DELETE" : "NONE", arn: s.arn.description, creationDate: s.created,
            description: s.description, endDate: s.end,
            flexibleTimeWindow: FlexibleTimeWindow(maximumWindowInMinutes: s.flexibleWindowMinutes, mode: s.flexibleWindowMinutes == nil ? "OFF" : "FLEXIBLE"),
            groupName: s.group, lastModificationDate: s.modified, name: s.name, scheduleExpression: s.expressionText,
            scheduleExpressionTimezone: s.timezoneName, startDate: s.start, state: s.state, target: s.target)
    }

    func delete(_ input: DeleteScheduleInput, _ ctx: CallContext) throws(SchedulerError) -> DeleteScheduleOutput {
        let s = try find(input.name, input.groupName, ctx)
        remove(Key(region: ctx.region, group: s.group, name: s.name))
        return DeleteScheduleOutput()
    }

    func list(_ input: ListSchedulesInput, _ ctx: CallContext) throws(SchedulerError) -> ListSchedulesOutput {
        let all = schedules.values
            .filter { s in
                s.arn.region == ctx.region && (input.groupName.map { $0 == s.group } ?? true) && (input.namePrefix.map(s.name.hasPrefix) ?? true)
                    && (input.state.map { $0 == (s.state) } ?? true)
            }
            .sorted { ($0.group, $0.name) < ($1.group, $1.name) }
        guard let page = Pagination.page(all, size: input.maxResults ?? 100, token: input.nextToken) else { throw .validation("Invalid NextToken.") }
        return ListSchedulesOutput(
            nextToken: page.next,
            schedules: page.items.map { s in
                ScheduleSummary(
                    arn: s.arn.description, creationDate: s.created, groupName: s.group, lastModificationDate: s.modified, name: s.name, state: s.state,
                    target: TargetSummary(arn: s.target.arn))
            })
    }

    func createGroup(_ input: CreateScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> CreateScheduleGroupOutput {
        let key = GroupKey(region: ctx.region, name: input.name)
        guard input.name != "default", groups[key] == nil else { throw .conflict("Schedule group \(input.name) already exists.") }
        let g = ScheduleGroup(name: input.name, arn: ctx.arn("scheduler", "schedule-group/\(input.name)"), created: ctx.now)
        groups[key] = g
        return CreateScheduleGroupOutput(scheduleGroupArn: g.arn.description)
    }

    func describe(_ g: ScheduleGroup) -> ScheduleGroupSummary {
        ScheduleGroupSummary(arn: g.arn.description, creationDate: g.created, lastModificationDate: g.created, name: g.name, state: "ACTIVE")
    }

    func defaultGroup(_ ctx: CallContext) -> ScheduleGroup {
        ScheduleGroup(name: "default", arn: ctx.arn("scheduler", "schedule-group/default"), created: Date(timeIntervalSince1970: 0))
    }

    func getGroup(_ input: GetScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> GetScheduleGroupOutput {
        let g: ScheduleGroup
        if input.name == "default" {
            g = defaultGroup(ctx)
        } else {
            guard let found = groups[GroupKey(region: ctx.region, name: input.name)] else { throw .notFound("Schedule group \(input.name) does not exist.") }
            g = found
        }
        return GetScheduleGroupOutput(arn: g.arn.description, creationDate: g.created, lastModificationDate: g.created, name: g.name, state: "ACTIVE")
    }

    func deleteGroup(_ input: DeleteScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> DeleteScheduleGroupOutput {
        guard input.name != "default" else { throw .validation("You cannot delete the default group.") }
        guard groups.removeValue(forKey: GroupKey(region: ctx.region, name: input.name)) != nil else {
            throw .notFound("Schedule group \(input.name) does not exist.")
        }
        for key in schedules.keys where key.region == ctx.region && key.group == input.name { remove(key) }
        return DeleteScheduleGroupOutput()
    }

    func listGroups(_ ctx: CallContext) -> ListScheduleGroupsOutput {
        let all = [defaultGroup(ctx)] + groups.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        return ListScheduleGroupsOutput(scheduleGroups: all.map(describe))
    }
}
