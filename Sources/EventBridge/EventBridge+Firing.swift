import CloudCafeCore
public import Foundation
import Lambda
import Logging
import SNS

/// One firing of a scheduled rule, as a clock move reports it.
public struct Firing: Sendable, Equatable {
    /// The rule's name.
    public let rule: String
    /// The instant it fired: the scheduled instant, which its event's `time` carries.
    public let time: Date

    public init(rule: String, time: Date) {
        self.rule = rule
        self.time = time
    }
}

extension EventBridge {
    /// The earliest firing due at or before `limit`, ties broken by rule ARN.
    func earliestDue(upTo limit: Date) -> (ARN, Date)? {
        var best: (ARN, Date)?
        for (arn, rule) in rules {
            guard let next = rule.nextFire, next <= limit else { continue }
            if let b = best, (b.1, b.0.description) <= (next, arn.description) { continue }
            best = (arn, next)
        }
        return best
    }

    /// The next firing of any rule, however far ahead.
    public func nextDue() -> Date? {
        rules.values.compactMap(\.nextFire).min()
    }

    /// The next `count` firings of a rule after `instant`.
    public func upcoming(rule name: String, region: String, account: String, after instant: Date, count: Int) -> [Date]? {
        guard let rule = rules[ARN(service: "events", region: region, account: account, resource: "rule/\(name)")] else { return nil }
        guard let schedule = rule.schedule, rule.enabled else { return [] }
        var result: [Date] = []
        var t = max(instant, rule.cursor)
        while result.count < count, let n = schedule.next(after: t, anchor: rule.anchor) {
            result.append(n)
            t = n
        }
        return result
    }

    /// Fires `arn` at `instant`: builds the scheduled event and sends it to every target as
    /// EventBridge does, Lambda asynchronously.
    func fire(_ arn: ARN, at instant: Date) async -> Firing? {
        guard var rule = rules[arn] else { return nil }
        rule.cursor = instant
        rules[arn] = rule
        let event = scheduledEvent(rule, at: instant)
        for target in rule.targets {
            await deliver(event, to: target, from: rule)
        }
        return Firing(rule: rule.name, time: instant)
    }

    /// The scheduled-event payload of a rule (LAB.md).
    func scheduledEvent(_ rule: Rule, at instant: Date) -> JSONValue {
        .object([
            ("version", .string("0")),
            ("id", .string(dispatcher.ids.uuid())),
            ("detail-type", .string("Scheduled Event")),
            ("source", .string("aws.events")),
            ("account", .string(rule.arn.account)),
            ("time", .string(Self.eventTime(instant))),
            ("region", .string(rule.arn.region)),
            ("resources", .array([.string(rule.arn.description)])),
            ("detail", .object([])),
        ])
    }

    func deliver(_ event: JSONValue, to target: Target, from rule: Rule) async {
        let payload: String
        if let input = target.input {
            payload = input
        } else if let path = target.inputPath {
            payload = Self.select(path, in: event)?.compact ?? "null"
        } else {
            payload = event.compact
        }
        // EventBridge calls the target as itself, for the rule: the function's resource policy decides.
        let caller = Caller(principal: .service("events.amazonaws.com"), region: rule.arn.region, sourceArn: rule.arn.description)
        guard let arn = ARN(target.arn) else { return }
        do {
            switch arn.service {
            case "lambda":
                _ = try await dispatcher.perform(
                    Lambda.invoke, InvokeInput(functionName: target.arn, invocationType: "Event", payload: Data(payload.utf8)), as: caller)
            case "sns":
                _ = try await dispatcher.perform(SNS.publish, PublishInput(topicArn: target.arn, message: payload), as: caller)
            default:
                Logger(label: "cloudcafe.events").warning("target service not supported", metadata: ["target": "\(target.arn)"])
            }
        } catch {
            Logger(label: "cloudcafe.events").warning(
                "target invocation failed", metadata: ["rule": "\(rule.name)", "target": "\(target.arn)", "error": "\(error)"])
        }
    }

    /// A simple JSONPath (`$`, `$.a.b`) into the event.
    static func select(_ path: String, in event: JSONValue) -> JSONValue? {
        guard path.hasPrefix("$") else { return nil }
        var value: JSONValue? = event
        for key in path.dropFirst().split(separator: ".") {
            value = value?[String(key)]
        }
        return value
    }

    /// `2026-11-28T20:00:00Z`: EventBridge writes event times to the second.
    static func eventTime(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
