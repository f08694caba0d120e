public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore scheduler 2021-06-30)

/// A schedule's flexible time window.
public struct FlexibleTimeWindow: Sendable, Codable, Equatable {
    public var mode: String
    public var maximumWindowInMinutes: Int?
    enum CodingKeys: String, CodingKey { case mode = "Mode", maximumWindowInMinutes = "MaximumWindowInMinutes" }
}

/// A target's retry policy.
public struct ScheduleRetryPolicy: Sendable, Codable, Equatable {
    public var maximumEventAgeInSeconds: Int?
    public var maximumRetryAttempts: Int?
    enum CodingKeys: String, CodingKey { case maximumEventAgeInSeconds = "MaximumEventAgeInSeconds", maximumRetryAttempts = "MaximumRetryAttempts" }
}

/// A dead-letter queue.
public struct DeadLetterConfig: Sendable, Codable, Equatable {
    public var arn: String?
    enum CodingKeys: String, CodingKey { case arn = "Arn" }
}

/// A schedule's target.
public struct ScheduleTarget: Sendable, Codable, Equatable {
    public var arn: String
    public var roleArn: String
    public var input: String?
    public var retryPolicy: ScheduleRetryPolicy?
    public var deadLetterConfig: DeadLetterConfig?
    enum CodingKeys: String, CodingKey {
        case arn = "Arn", roleArn = "RoleArn", input = "Input", retryPolicy = "RetryPolicy", deadLetterConfig = "DeadLetterConfig"
    }
}

/// CreateSchedule / UpdateSchedule input.
public struct ScheduleInput: Sendable, Codable {
    public var name: String
    public var groupName: String?
    public var scheduleExpression: String
    public var scheduleExpressionTimezone: String?
    public var startDate: Date?
    public var endDate: Date?
    public var state: String?
    public var flexibleTimeWindow: FlexibleTimeWindow
    public var target: ScheduleTarget
    public var actionAfterCompletion: String?
    public var description: String?
    enum CodingKeys: String, CodingKey {
        case name = "Name", groupName = "GroupName", scheduleExpression = "ScheduleExpression", scheduleExpressionTimezone = "ScheduleExpressionTimezone"
        case startDate = "StartDate", endDate = "EndDate", state = "State", flexibleTimeWindow = "FlexibleTimeWindow", target = "Target"
        case actionAfterCompletion = "ActionAfterCompletion", description = "Description"
    }
}

/// CreateSchedule / UpdateSchedule output.
public struct ScheduleArnOutput: Sendable, Codable {
    public var scheduleArn: String
    enum CodingKeys: String, CodingKey { case scheduleArn = "ScheduleArn" }
}

/// GetSchedule / DeleteSchedule input.
public struct ScheduleNameInput: Sendable, Codable {
    public var name: String
    public var groupName: String?
    enum CodingKeys: String, CodingKey { case name = "Name", groupName = "GroupName" }
}

/// GetSchedule output.
public struct GetScheduleOutput: Sendable, Codable {
    public var arn: String
    public var name: String
    public var groupName: String
    public var scheduleExpression: String
    public var scheduleExpressionTimezone: String?
    public var startDate: Date?
    public var endDate: Date?
    public var state: String
    public var flexibleTimeWindow: FlexibleTimeWindow
    public var target: ScheduleTarget
    public var actionAfterCompletion: String
    public var description: String?
    public var creationDate: Date
    public var lastModificationDate: Date
    enum CodingKeys: String, CodingKey {
        case arn = "Arn", name = "Name", groupName = "GroupName", scheduleExpression = "ScheduleExpression", scheduleExpressionTimezone =
            "ScheduleExpressionTimezone"
        case startDate = "StartDate", endDate = "EndDate", state = "State", flexibleTimeWindow = "FlexibleTimeWindow", target = "Target"
        case actionAfterCompletion = "ActionAfterCompletion", description = "Description", creationDate = "CreationDate", lastModificationDate =
            "LastModificationDate"
    }
}

/// ListSchedules input.
public struct ListSchedulesInput: Sendable, Codable {
    public var groupName: String?
    public var namePrefix: String?
    public var state: String?
    public var maxResults: Int?
    public var nextToken: String?
    enum CodingKeys: String, CodingKey {
        case groupName = "GroupName", namePrefix = "NamePrefix", state = "State", maxResults = "MaxResults", nextToken = "NextToken"
    }
}

/// A schedule in a listing.
public struct ScheduleSummary: Sendable, Codable {
    public var arn: String
    public var name: String
    public var groupName: String
    public var state: String
    public var creationDate: Date
    public var lastModificationDate: Date
    public var target: TargetSummary
    enum CodingKeys: String, CodingKey {
        case arn = "Arn", name = "Name", groupName = "GroupName", state = "State", creationDate = "CreationDate", lastModificationDate = "LastModificationDate",
            target = "Target"
    }
}

/// A target in a listing.
public struct TargetSummary: Sendable, Codable {
    public var arn: String
    enum CodingKeys: String, CodingKey { case arn = "Arn" }
}

/// ListSchedules output.
public struct ListSchedulesOutput: Sendable, Codable {
    public var schedules: [ScheduleSummary]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case schedules = "Schedules", nextToken = "NextToken" }
}

/// Schedule group input.
public struct ScheduleGroupInput: Sendable, Codable {
    public var name: String
    enum CodingKeys: String, CodingKey { case name = "Name" }
}

/// CreateScheduleGroup output.
public struct ScheduleGroupArnOutput: Sendable, Codable {
    public var scheduleGroupArn: String
    enum CodingKeys: String, CodingKey { case scheduleGroupArn = "ScheduleGroupArn" }
}

/// GetScheduleGroup output and listing entry.
public struct ScheduleGroupDescription: Sendable, Codable {
    public var arn: String
    public var name: String
    public var state: String
    public var creationDate: Date
    public var lastModificationDate: Date
    enum CodingKeys: String, CodingKey {
        case arn = "Arn", name = "Name", state = "State", creationDate = "CreationDate", lastModificationDate = "LastModificationDate"
    }
}

/// ListScheduleGroups output.
public struct ListScheduleGroupsOutput: Sendable, Codable {
    public var scheduleGroups: [ScheduleGroupDescription]
    enum CodingKeys: String, CodingKey { case scheduleGroups = "ScheduleGroups" }
}

/// An output with no members.
public struct SchedulerEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension EventBridgeScheduler {
    static func scheduleArn(_ group: String?, _ name: String, _ c: CallContext) -> ARN { c.arn("scheduler", "schedule/\(group ?? "default")/\(name)") }

    /// CreateSchedule.
    public static let createSchedule = Operation<EventBridgeScheduler, ScheduleInput, ScheduleArnOutput>(
        name: "CreateSchedule", action: "scheduler:CreateSchedule", resource: { i, c in scheduleArn(i.groupName, i.name, c).description }
    ) { s, input, ctx in try await s.put(input, creating: true, ctx) }

    /// UpdateSchedule.
    public static let updateSchedule = Operation<EventBridgeScheduler, ScheduleInput, ScheduleArnOutput>(
        name: "UpdateSchedule", action: "scheduler:UpdateSchedule", resource: { i, c in scheduleArn(i.groupName, i.name, c).description }
    ) { s, input, ctx in try await s.put(input, creating: false, ctx) }

    /// GetSchedule.
    public static let getSchedule = Operation<EventBridgeScheduler, ScheduleNameInput, GetScheduleOutput>(
        name: "GetSchedule", action: "scheduler:GetSchedule", resource: { i, c in scheduleArn(i.groupName, i.name, c).description }
    ) { s, input, ctx in try await s.get(input, ctx) }

    /// DeleteSchedule.
    public static let deleteSchedule = Operation<EventBridgeScheduler, ScheduleNameInput, SchedulerEmptyOutput>(
        name: "DeleteSchedule", action: "scheduler:DeleteSchedule", resource: { i, c in scheduleArn(i.groupName, i.name, c).description }
    ) { s, input, ctx in try await s.delete(input, ctx) }

    /// ListSchedules.
    public static let listSchedules = Operation<EventBridgeScheduler, ListSchedulesInput, ListSchedulesOutput>(
        name: "ListSchedules", action: "scheduler:ListSchedules"
    ) { s, input, ctx in try await s.list(input, ctx) }

    /// CreateScheduleGroup.
    public static let createScheduleGroup = Operation<EventBridgeScheduler, ScheduleGroupInput, ScheduleGroupArnOutput>(
        name: "CreateScheduleGroup", action: "scheduler:CreateScheduleGroup", resource: { i, c in c.arn("scheduler", "schedule-group/\(i.name)").description }
    ) { s, input, ctx in try await s.createGroup(input, ctx) }

    /// GetScheduleGroup.
    public static let getScheduleGroup = Operation<EventBridgeScheduler, ScheduleGroupInput, ScheduleGroupDescription>(
        name: "GetScheduleGroup", action: "scheduler:GetScheduleGroup", resource: { i, c in c.arn("scheduler", "schedule-group/\(i.name)").description }
    ) { s, input, ctx in try await s.getGroup(input, ctx) }

    /// DeleteScheduleGroup: its schedules go with it.
    public static let deleteScheduleGroup = Operation<EventBridgeScheduler, ScheduleGroupInput, SchedulerEmptyOutput>(
        name: "DeleteScheduleGroup", action: "scheduler:DeleteScheduleGroup", resource: { i, c in c.arn("scheduler", "schedule-group/\(i.name)").description }
    ) { s, input, ctx in try await s.deleteGroup(input, ctx) }

    /// ListScheduleGroups.
    public static let listScheduleGroups = Operation<EventBridgeScheduler, ListSchedulesInput, ListScheduleGroupsOutput>(
        name: "ListScheduleGroups", action: "scheduler:ListScheduleGroups"
    ) { s, _, ctx in await s.listGroups(ctx) }

    // MARK: - Implementations

    func put(_ input: ScheduleInput, creating: Bool, _ ctx: CallContext) throws(SchedulerError) -> ScheduleArnOutput {
        let group = try group(input.groupName, ctx)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        guard (1...64).contains(input.name.count), input.name.allSatisfy(allowed.contains) else {
            throw .validation(
                "1 validation error detected: Value '\(input.name)' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$"
            )
        }
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
        var window: Int?
        switch input.flexibleTimeWindow.mode {
        case "OFF": window = nil
        case "FLEXIBLE":
            guard let m = input.flexibleTimeWindow.maximumWindowInMinutes, (1...1440).contains(m) else {
                throw .validation("MaximumWindowInMinutes must be between 1 and 1440 when FlexibleTimeWindow mode is FLEXIBLE.")
            }
            window = m
        case let other:
            throw .validation(
                "1 validation error detected: Value '\(other)' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]"
            )
        }
        let state = input.state ?? "ENABLED"
        guard ["ENABLED", "DISABLED"].contains(state) else {
            throw .validation(
                "1 validation error detected: Value '\(state)' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"
            )
        }
        let action = input.actionAfterCompletion ?? "NONE"
        guard ["NONE", "DELETE"].contains(action) else {
            throw .validation(
                "1 validation error detected: Value '\(action)' at 'actionAfterCompletion' failed to satisfy constraint: Member must satisfy enum value set: [NONE, DELETE]"
            )
        }
        if let s = input.startDate, let e = input.endDate, e <= s { throw .validation("The provided start date is later than the end date.") }
        guard ARN(input.target.arn) != nil, ARN(input.target.roleArn) != nil else { throw .validation("Invalid target or role ARN.") }
        if let dlq = input.target.deadLetterConfig?.arn, ARN(dlq)?.service != "sqs" {
            throw .validation("Invalid DeadLetterConfig arn: \(dlq). It must be the ARN of an SQS queue.")
        }
        let arn = Self.scheduleArn(group, input.name, ctx)
        let previous = schedules[key]
        schedules[key] = Schedule(
            name: input.name, group: group, arn: arn, expressionText: input.scheduleExpression, expression: expression,
            timezoneName: input.scheduleExpressionTimezone,
            start: input.startDate, end: input.endDate, enabled: state == "ENABLED", flexibleWindowMinutes: window, target: input.target,
            deleteAfterCompletion: action == "DELETE", description: input.description, created: previous?.created ?? ctx.now, modified: ctx.now,
            cursor: max(previous?.cursor ?? ctx.now, ctx.now), anchor: input.startDate ?? ctx.now)
        return ScheduleArnOutput(scheduleArn: arn.description)
    }

    func find(_ name: String, _ groupName: String?, _ ctx: CallContext) throws(SchedulerError) -> Schedule {
        guard let s = schedules[Key(region: ctx.region, group: groupName ?? "default", name: name)] else { throw .notFound("Schedule \(name) does not exist.") }
        return s
    }

    func get(_ input: ScheduleNameInput, _ ctx: CallContext) throws(SchedulerError) -> GetScheduleOutput {
        let s = try find(input.name, input.groupName, ctx)
        return GetScheduleOutput(
            arn: s.arn.description, name: s.name, groupName: s.group, scheduleExpression: s.expressionText, scheduleExpressionTimezone: s.timezoneName,
            startDate: s.start, endDate: s.end, state: s.state,
            flexibleTimeWindow: FlexibleTimeWindow(mode: s.flexibleWindowMinutes == nil ? "OFF" : "FLEXIBLE", maximumWindowInMinutes: s.flexibleWindowMinutes),
            target: s.target, actionAfterCompletion: s.deleteAfterCompletion ? "DELETE" : "NONE", description: s.description, creationDate: s.created,
            lastModificationDate: s.modified)
    }

    func delete(_ input: ScheduleNameInput, _ ctx: CallContext) throws(SchedulerError) -> SchedulerEmptyOutput {
        let s = try find(input.name, input.groupName, ctx)
        schedules[Key(region: ctx.region, group: s.group, name: s.name)] = nil
        return SchedulerEmptyOutput()
    }

    func list(_ input: ListSchedulesInput, _ ctx: CallContext) throws(SchedulerError) -> ListSchedulesOutput {
        let all = schedules.values
            .filter { s in
                s.arn.region == ctx.region && (input.groupName.map { $0 == s.group } ?? true) && (input.namePrefix.map(s.name.hasPrefix) ?? true)
                    && (input.state.map { $0 == (s.state) } ?? true)
            }
            .sorted { ($0.group, $0.name) < ($1.group, $1.name) }
        let size = input.maxResults ?? 100
        guard (1...100).contains(size) else {
            throw .validation(
                "1 validation error detected: Value '\(size)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100")
        }
        guard let page = Pagination.page(all, size: size, token: input.nextToken) else { throw .validation("Invalid NextToken.") }
        return ListSchedulesOutput(
            schedules: page.items.map { s in
                ScheduleSummary(
                    arn: s.arn.description, name: s.name, groupName: s.group, state: s.state, creationDate: s.created,
                    lastModificationDate: s.modified, target: TargetSummary(arn: s.target.arn))
            }, nextToken: page.next)
    }

    func createGroup(_ input: ScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> ScheduleGroupArnOutput {
        let key = GroupKey(region: ctx.region, name: input.name)
        guard input.name != "default", groups[key] == nil else { throw .conflict("Schedule group \(input.name) already exists.") }
        let g = ScheduleGroup(name: input.name, arn: ctx.arn("scheduler", "schedule-group/\(input.name)"), created: ctx.now)
        groups[key] = g
        return ScheduleGroupArnOutput(scheduleGroupArn: g.arn.description)
    }

    func describe(_ g: ScheduleGroup) -> ScheduleGroupDescription {
        ScheduleGroupDescription(arn: g.arn.description, name: g.name, state: "ACTIVE", creationDate: g.created, lastModificationDate: g.created)
    }

    func defaultGroup(_ ctx: CallContext) -> ScheduleGroup {
        ScheduleGroup(name: "default", arn: ctx.arn("scheduler", "schedule-group/default"), created: Date(timeIntervalSince1970: 0))
    }

    func getGroup(_ input: ScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> ScheduleGroupDescription {
        if input.name == "default" { return describe(defaultGroup(ctx)) }
        guard let g = groups[GroupKey(region: ctx.region, name: input.name)] else { throw .notFound("Schedule group \(input.name) does not exist.") }
        return describe(g)
    }

    func deleteGroup(_ input: ScheduleGroupInput, _ ctx: CallContext) throws(SchedulerError) -> SchedulerEmptyOutput {
        guard input.name != "default" else { throw .validation("You cannot delete the default group.") }
        guard groups.removeValue(forKey: GroupKey(region: ctx.region, name: input.name)) != nil else {
            throw .notFound("Schedule group \(input.name) does not exist.")
        }
        schedules = schedules.filter { !($0.key.region == ctx.region && $0.key.group == input.name) }
        return SchedulerEmptyOutput()
    }

    func listGroups(_ ctx: CallContext) -> ListScheduleGroupsOutput {
        let all = [defaultGroup(ctx)] + groups.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        return ListScheduleGroupsOutput(scheduleGroups: all.map(describe))
    }
}
