public import CloudCafeCore
import Foundation

// MARK: - Shapes (botocore events 2015-10-07)

/// DescribeRule output.
public struct DescribeRuleOutput: Sendable, Codable {
    public var name: String
    public var arn: String
    public var eventPattern: String?
    public var scheduleExpression: String?
    public var state: String
    public var description: String?
    public var roleArn: String?
    public var eventBusName: String
    public var createdBy: String
    enum CodingKeys: String, CodingKey {
        case name = "Name", arn = "Arn", eventPattern = "EventPattern", scheduleExpression = "ScheduleExpression", state = "State"
        case description = "Description", roleArn = "RoleArn", eventBusName = "EventBusName", createdBy = "CreatedBy"
    }
}

/// A rule as ListRules lists it.
public struct RuleSummary: Sendable, Codable {
    public var name: String
    public var arn: String
    public var eventPattern: String?
    public var scheduleExpression: String?
    public var state: String
    public var description: String?
    public var eventBusName: String
    enum CodingKeys: String, CodingKey {
        case name = "Name", arn = "Arn", eventPattern = "EventPattern", scheduleExpression = "ScheduleExpression", state = "State"
        case description = "Description", eventBusName = "EventBusName"
    }
}

/// ListRules input.
public struct ListRulesInput: Sendable, Codable {
    public var namePrefix: String?
    public var nextToken: String?
    public var limit: Int?
    enum CodingKeys: String, CodingKey { case namePrefix = "NamePrefix", nextToken = "NextToken", limit = "Limit" }
}

/// ListRules output.
public struct ListRulesOutput: Sendable, Codable {
    public var rules: [RuleSummary]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case rules = "Rules", nextToken = "NextToken" }
}

/// DeleteRule input.
public struct DeleteRuleInput: Sendable, Codable {
    public var name: String
    public var force: Bool?
    enum CodingKeys: String, CodingKey { case name = "Name", force = "Force" }
}

/// ListTargetsByRule input.
public struct ListTargetsByRuleInput: Sendable, Codable {
    public var rule: String
    public var nextToken: String?
    public var limit: Int?
    enum CodingKeys: String, CodingKey { case rule = "Rule", nextToken = "NextToken", limit = "Limit" }
}

/// ListTargetsByRule output.
public struct ListTargetsByRuleOutput: Sendable, Codable {
    public var targets: [Target]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case targets = "Targets", nextToken = "NextToken" }
}

/// RemoveTargets input.
public struct RemoveTargetsInput: Sendable, Codable {
    public var rule: String
    public var ids: [String]
    enum CodingKeys: String, CodingKey { case rule = "Rule", ids = "Ids" }
}

/// A target RemoveTargets could not remove.
public struct FailedEntry: Sendable, Codable {
    public var targetId: String
    public var errorCode: String
    public var errorMessage: String
    enum CodingKeys: String, CodingKey { case targetId = "TargetId", errorCode = "ErrorCode", errorMessage = "ErrorMessage" }
}

/// RemoveTargets output.
public struct RemoveTargetsOutput: Sendable, Codable {
    public var failedEntryCount: Int
    public var failedEntries: [FailedEntry]
    enum CodingKeys: String, CodingKey { case failedEntryCount = "FailedEntryCount", failedEntries = "FailedEntries" }
}

/// ListRuleNamesByTarget input.
public struct ListRuleNamesByTargetInput: Sendable, Codable {
    public var targetArn: String
    public var nextToken: String?
    public var limit: Int?
    enum CodingKeys: String, CodingKey { case targetArn = "TargetArn", nextToken = "NextToken", limit = "Limit" }
}

/// ListRuleNamesByTarget output.
public struct ListRuleNamesByTargetOutput: Sendable, Codable {
    public var ruleNames: [String]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case ruleNames = "RuleNames", nextToken = "NextToken" }
}

/// A tag.
public struct Tag: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
    enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
}

/// TagResource / UntagResource / ListTagsForResource input.
public struct EventsTagsInput: Sendable, Codable {
    public var resourceARN: String
    public var tags: [Tag]?
    public var tagKeys: [String]?
    enum CodingKeys: String, CodingKey { case resourceARN = "ResourceARN", tags = "Tags", tagKeys = "TagKeys" }
}

/// ListTagsForResource output.
public struct ListTagsForResourceOutput: Sendable, Codable {
    public var tags: [Tag]
    enum CodingKeys: String, CodingKey { case tags = "Tags" }
}

// MARK: - Operations

extension EventBridge {
    /// DescribeRule.
    public static let describeRule = Operation<EventBridge, RuleNameInput, DescribeRuleOutput>(
        name: "DescribeRule", action: "events:DescribeRule", resource: { i, c in ruleArn(i.name, c).description }
    ) { events, input, ctx in try await events.describeRule(input, ctx) }

    /// ListRules.
    public static let listRules = Operation<EventBridge, ListRulesInput, ListRulesOutput>(
        name: "ListRules", action: "events:ListRules"
    ) { events, input, ctx in try await events.listRules(input, ctx) }

    /// DeleteRule.
    public static let deleteRule = Operation<EventBridge, DeleteRuleInput, EventsEmptyOutput>(
        name: "DeleteRule", action: "events:DeleteRule", resource: { i, c in ruleArn(i.name, c).description }
    ) { events, input, ctx in try await events.deleteRule(input, ctx) }

    /// ListTargetsByRule.
    public static let listTargetsByRule = Operation<EventBridge, ListTargetsByRuleInput, ListTargetsByRuleOutput>(
        name: "ListTargetsByRule", action: "events:ListTargetsByRule", resource: { i, c in ruleArn(i.rule, c).description }
    ) { events, input, ctx in try await events.listTargets(input, ctx) }

    /// RemoveTargets.
    public static let removeTargets = Operation<EventBridge, RemoveTargetsInput, RemoveTargetsOutput>(
        name: "RemoveTargets", action: "events:RemoveTargets", resource: { i, c in ruleArn(i.rule, c).description }
    ) { events, input, ctx in try await events.removeTargets(input, ctx) }

    /// ListRuleNamesByTarget.
    public static let listRuleNamesByTarget = Operation<EventBridge, ListRuleNamesByTargetInput, ListRuleNamesByTargetOutput>(
        name: "ListRuleNamesByTarget", action: "events:ListRuleNamesByTarget"
    ) { events, input, ctx in try await events.ruleNames(input, ctx) }

    /// TagResource.
    public static let tagResource = Operation<EventBridge, EventsTagsInput, EventsEmptyOutput>(
        name: "TagResource", action: "events:TagResource", resource: { i, _ in i.resourceARN }
    ) { events, input, ctx in try await events.tag(input, ctx) }

    /// UntagResource.
    public static let untagResource = Operation<EventBridge, EventsTagsInput, EventsEmptyOutput>(
        name: "UntagResource", action: "events:UntagResource", resource: { i, _ in i.resourceARN }
    ) { events, input, ctx in try await events.tag(input, ctx) }

    /// ListTagsForResource.
    public static let listTagsForResource = Operation<EventBridge, EventsTagsInput, ListTagsForResourceOutput>(
        name: "ListTagsForResource", action: "events:ListTagsForResource", resource: { i, _ in i.resourceARN }
    ) { events, input, ctx in try await events.listTags(input, ctx) }

    static func page<T>(_ items: [T], limit: Int?, token: String?) throws(EventBridgeError) -> ([T], String?) {
        let size = limit ?? 100
        guard (1...100).contains(size) else {
            throw .validation(
                "1 validation error detected: Value '\(size)' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100")
        }
        guard let page = Pagination.page(items, size: size, token: token) else { throw .validation("The NextToken provided is invalid.") }
        return page
    }

    func describeRule(_ input: RuleNameInput, _ ctx: CallContext) throws(EventBridgeError) -> DescribeRuleOutput {
        let r = try rule(input.name, ctx)
        return DescribeRuleOutput(
            name: r.name, arn: r.arn.description, eventPattern: r.eventPattern, scheduleExpression: r.scheduleText, state: r.state,
            description: r.description, roleArn: r.roleArn, eventBusName: "default", createdBy: ctx.account)
    }

    func listRules(_ input: ListRulesInput, _ ctx: CallContext) throws(EventBridgeError) -> ListRulesOutput {
        let all = rules.values
            .filter { $0.arn.region == ctx.region && (input.namePrefix.map($0.name.hasPrefix) ?? true) }
            .sorted { $0.name < $1.name }
            .map { r in
                RuleSummary(
                    name: r.name, arn: r.arn.description, eventPattern: r.eventPattern, scheduleExpression: r.scheduleText,
                    state: r.state,
                    description: r.description, eventBusName: "default")
            }
        let (page, next) = try Self.page(all, limit: input.limit, token: input.nextToken)
        return ListRulesOutput(rules: page, nextToken: next)
    }

    func deleteRule(_ input: DeleteRuleInput, _ ctx: CallContext) throws(EventBridgeError) -> EventsEmptyOutput {
        let arn = Self.ruleArn(input.name, ctx)
        // Deleting a rule that does not exist succeeds; one with targets does not.
        guard let r = rules[arn] else { return EventsEmptyOutput() }
        guard r.targets.isEmpty else { throw .validation("Rule can't be deleted since it has targets.") }
        rules[arn] = nil
        return EventsEmptyOutput()
    }

    func listTargets(_ input: ListTargetsByRuleInput, _ ctx: CallContext) throws(EventBridgeError) -> ListTargetsByRuleOutput {
        let r = try rule(input.rule, ctx)
        let (page, next) = try Self.page(r.targets, limit: input.limit, token: input.nextToken)
        return ListTargetsByRuleOutput(targets: page, nextToken: next)
    }

    func removeTargets(_ input: RemoveTargetsInput, _ ctx: CallContext) throws(EventBridgeError) -> RemoveTargetsOutput {
        var r = try rule(input.rule, ctx)
        r.targets.removeAll { input.ids.contains($0.id) }
        rules[r.arn] = r
        return RemoveTargetsOutput(failedEntryCount: 0, failedEntries: [])
    }

    func ruleNames(_ input: ListRuleNamesByTargetInput, _ ctx: CallContext) throws(EventBridgeError) -> ListRuleNamesByTargetOutput {
        let names = rules.values.filter { $0.arn.region == ctx.region && $0.targets.contains { $0.arn == input.targetArn } }.map(\.name).sorted()
        let (page, next) = try Self.page(names, limit: input.limit, token: input.nextToken)
        return ListRuleNamesByTargetOutput(ruleNames: page, nextToken: next)
    }

    func taggedRule(_ arnText: String) throws(EventBridgeError) -> Rule {
        guard let arn = ARN(arnText), let r = rules[arn] else {
            throw .init(code: .resourceNotFound, message: "Rule \(ARN(arnText)?.lastComponent ?? arnText) does not exist on EventBus default.")
        }
        return r
    }

    func tag(_ input: EventsTagsInput, _ ctx: CallContext) throws(EventBridgeError) -> EventsEmptyOutput {
        var r = try taggedRule(input.resourceARN)
        for t in input.tags ?? [] { r.tags[t.key] = t.value }
        for k in input.tagKeys ?? [] { r.tags[k] = nil }
        rules[r.arn] = r
        return EventsEmptyOutput()
    }

    func listTags(_ input: EventsTagsInput, _ ctx: CallContext) throws(EventBridgeError) -> ListTagsForResourceOutput {
        let r = try taggedRule(input.resourceARN)
        return ListTagsForResourceOutput(tags: r.tags.keys.sorted().map { Tag(key: $0, value: r.tags[$0] ?? "") })
    }
}
