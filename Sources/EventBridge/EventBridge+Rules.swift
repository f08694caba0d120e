import CloudCafeCore
import EventBridgeAPI
import Foundation

// Rules: their schedules or patterns, targets and state.
extension EventBridge {
    func putRule(_ input: PutRuleRequest, _ ctx: CallContext) throws(EventBridgeError) -> PutRuleResponse {
        guard input.scheduleExpression != nil || input.eventPattern != nil else {
            throw .validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        let bus = try bus(input.eventBusName, ctx)
        var schedule: ScheduleExpression?
        if let text = input.scheduleExpression {
            guard bus == "default" else { throw .validation("ScheduleExpression is supported only on the default event bus.") }
            guard let parsed = ScheduleExpression(text) else { throw .invalidSchedule() }
            schedule = parsed
        }
        var pattern: EventPattern?
        if let text = input.eventPattern {
            do {
                pattern = try EventPattern(text)
            } catch {
                throw EventBridgeError(code: .invalidEventPattern, message: "Event pattern is not valid. Reason: " + error.reason)
            }
        }
        // The model's enum also has ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, which enables the rule.
        let enabled = input.state != "DISABLED"
        let arn = Self.ruleArn(input.name, bus: bus, ctx)
        var rule = rules[arn] ?? StoredRule(name: input.name, arn: arn, enabled: enabled, cursor: ctx.now, anchor: ctx.now)
        rule.bus = bus
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
        store(rule)
        return PutRuleResponse(ruleArn: arn.description)
    }

    func putTargets(_ input: PutTargetsRequest, _ ctx: CallContext) throws(EventBridgeError) -> PutTargetsResponse {
        var r = try rule(input.rule, bus: input.eventBusName, ctx)
        var failed: [PutTargetsResultEntry] = []
        for t in input.targets {
            guard let arn = ARN(t.arn) else { throw .validation("Parameter \(t.arn) is not valid. Reason: Provided Arn is not in correct format.") }
            // Refused here rather than accepted and dropped: CloudCafe cannot deliver there.
            guard Self.deliverable.contains(arn.service) else {
                failed.append(
                    PutTargetsResultEntry(
                        targetId: t.id, errorCode: "ValidationException", errorMessage: "CloudCafe does not deliver to \(arn.service) targets."))
                continue
            }
            if let dlq = t.deadLetterConfig?.arn, ARN(dlq)?.service != "sqs" {
                failed.append(PutTargetsResultEntry(targetId: t.id, errorCode: "ValidationException", errorMessage: "Provided dead letter queue ARN is not an SQS queue."))
                continue
            }
            if let i = r.targets.firstIndex(where: { $0.id == t.id }) {
                r.targets[i] = t
            } else {
                guard r.targets.count < 5 else {
                    throw EventBridgeError(code: .limitExceeded, message: "The requested resource exceeds the maximum number allowed.")
                }
                r.targets.append(t)
            }
        }
        store(r)
        return PutTargetsResponse(failedEntryCount: failed.count, failedEntries: failed)
    }

    func setEnabled(_ enabled: Bool, _ name: String, bus: String?, _ ctx: CallContext) throws(EventBridgeError) -> EmptyShape {
        var r = try rule(name, bus: bus, ctx)
        if enabled && !r.enabled {
            r.cursor = max(r.cursor, ctx.now)
            r.anchor = ctx.now
        }
        r.enabled = enabled
        store(r)
        return EmptyShape()
    }
}
