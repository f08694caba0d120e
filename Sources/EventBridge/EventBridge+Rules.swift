public import CloudCafeCore
import Foundation

// MARK: - Shapes (botocore events 2015-10-07)

/// PutRule input.
public struct PutRuleInput: Sendable, Codable {
    public var name: String
    public var scheduleExpression: String?
    public var eventPattern: String?
    public var state: String?
    public var description: String?
    public var roleArn: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", scheduleExpression = "ScheduleExpression", eventPattern = "EventPattern", state = "State"
        case description = "Description", roleArn = "RoleArn"
    }

    public init(name: String, scheduleExpression: String?, state: String? = nil, description: String? = nil) {
        self.name = name
        self.scheduleExpression = scheduleExpression
        self.state = state
        self.description = description
    }
}

/// PutRule output.
public struct PutRuleOutput: Sendable, Codable {
    public var ruleArn: String
    enum CodingKeys: String, CodingKey { case ruleArn = "RuleArn" }
}

/// PutTargets input.
public struct PutTargetsInput: Sendable, Codable {
    public var rule: String
    public var targets: [Target]
    enum CodingKeys: String, CodingKey { case rule = "Rule", targets = "Targets" }
    public init(rule: String, targets: [Target]) {
        self.rule = rule
        self.targets = targets
    }
}

/// PutTargets output.
public struct PutTargetsOutput: Sendable, Codable {
    public var failedEntryCount: Int
    enum CodingKeys: String, CodingKey { case failedEntryCount = "FailedEntryCount" }
}

/// Enable/DisableRule input.
public struct RuleNameInput: Sendable, Codable {
    public var name: String
    enum CodingKeys: String, CodingKey { case name = "Name" }
    public init(name: String) { self.name = name }
}

/// An output with no members.
public struct EventsEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension EventBridge {
    /// PutRule.
    public static let putRule = Operation<EventBridge, PutRuleInput, PutRuleOutput>(
        name: "PutRule", action: "events:PutRule", resource: { i, c in ruleArn(i.name, c).description }
    ) { events, input, ctx in try await events.putRule(input, ctx) }

    /// PutTargets.
    public static let putTargets = Operation<EventBridge, PutTargetsInput, PutTargetsOutput>(
        name: "PutTargets", action: "events:PutTargets", resource: { i, c in ruleArn(i.rule, c).description }
    ) { events, input, ctx in try await events.putTargets(input, ctx) }

    /// EnableRule.
    public static let enableRule = Operation<EventBridge, RuleNameInput, EventsEmptyOutput>(
        name: "EnableRule", action: "events:EnableRule", resource: { i, c in ruleArn(i.name, c).description }
    ) { events, input, ctx in try await events.setEnabled(true, input, ctx) }

    /// DisableRule.
    public static let disableRule = Operation<EventBridge, RuleNameInput, EventsEmptyOutput>(
        name: "DisableRule", action: "events:DisableRule", resource: { i, c in ruleArn(i.name, c).description }
    ) { events, input, ctx in try await events.setEnabled(false, input, ctx) }

    func putRule(_ input: PutRuleInput, _ ctx: CallContext) throws(EventBridgeError) -> PutRuleOutput {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        guard (1...64).contains(input.name.count), input.name.allSatisfy(allowed.contains) else {
            throw .validation(
                "1 validation error detected: Value '\(input.name)' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
            )
        }
        guard input.scheduleExpression != nil || input.eventPattern != nil else {
            throw .validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        var schedule: ScheduleExpression?
        if let text = input.scheduleExpression {
            guard let parsed = ScheduleExpression(text) else { throw .invalidSchedule() }
            schedule = parsed
        }
        var pattern: EventPattern?
        if let text = input.eventPattern {
            do {
                pattern = try EventPattern(text)
            } catch {
                throw EventBridgeError(code: .invalidEventPattern, message: error.message)
            }
        }
        let enabled: Bool
        switch input.state ?? "ENABLED" {
        case "ENABLED": enabled = true
        case "DISABLED": enabled = false
        case let other:
            throw .validation(
                "1 validation error detected: Value '\(other)' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"
            )
        }
        let arn = Self.ruleArn(input.name, ctx)
        var rule = rules[arn] ?? Rule(name: input.name, arn: arn, enabled: enabled, cursor: ctx.now, anchor: ctx.now)
        if rule.scheduleText != input.scheduleExpression || rule.enabled != enabled {
            // A new or re-enabled schedule starts counting now.
            rule.cursor = max(rule.cursor, ctx.now)
            rule.anchor = ctx.now
        }
        rule.scheduleText = input.scheduleExpression
        rule.schedule = schedule
        rule.eventPattern = input.eventPattern
        rule.pattern = pattern
        rule.enabled = enabled
        rule.description = input.description
        rule.roleArn = input.roleArn
        rules[arn] = rule
        return PutRuleOutput(ruleArn: arn.description)
    }

    func putTargets(_ input: PutTargetsInput, _ ctx: CallContext) throws(EventBridgeError) -> PutTargetsOutput {
        var r = try rule(input.rule, ctx)
        guard (1...10).contains(input.targets.count) else {
            throw .validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10")
        }
        for t in input.targets {
            guard ARN(t.arn) != nil else { throw .validation("Parameter \(t.arn) is not valid. Reason: Provided Arn is not in correct format.") }
            if let i = r.targets.firstIndex(where: { $0.id == t.id }) {
                r.targets[i] = t
            } else {
                guard r.targets.count < 5 else {
                    throw EventBridgeError(code: .limitExceeded, message: "The requested resource exceeds the maximum number allowed.")
                }
                r.targets.append(t)
            }
        }
        rules[r.arn] = r
        return PutTargetsOutput(failedEntryCount: 0)
    }

    func setEnabled(_ enabled: Bool, _ input: RuleNameInput, _ ctx: CallContext) throws(EventBridgeError) -> EventsEmptyOutput {
        var r = try rule(input.name, ctx)
        if enabled && !r.enabled {
            r.cursor = max(r.cursor, ctx.now)
            r.anchor = ctx.now
        }
        r.enabled = enabled
        rules[r.arn] = r
        return EventsEmptyOutput()
    }
}
