import CloudCafeCore
import EventBridgeAPI
public import Foundation
import LambdaAPI
import Logging
import SNSAPI
import SQSAPI

extension EventBridge {
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

    /// Fires the rule an Agenda item names at the item's instant: builds the scheduled event
    /// and sends it to every target as EventBridge does, Lambda asynchronously.
    func fire(_ item: AgendaItem) async -> Firing? {
        let instant = item.due
        guard let text = item.text, let arn = firingArn(text), var rule = rules[arn] else { return nil }
        rule.cursor = instant
        store(rule)
        // A rule without targets fires into nothing; skip building its event.
        if !rule.targets.isEmpty {
            let event = scheduledEvent(rule, at: instant)
            dispatcher.timeline.record(
                "firing", id: event["id"]?.stringValue, cause: nil, time: instant,
                details: [("rule", .string(rule.name)), ("targets", .array(rule.targets.map { .string($0.arn) }))])
            for target in rule.targets {
                await deliver(event, to: target, from: rule)
            }
        }
        return Firing(rule: rule.name, time: instant)
    }

    /// The ARN a firing names, parsed once per text (bounded: texts of deleted rules go in bulk).
    private func firingArn(_ text: String) -> ARN? {
        if let known = firingArns[text] { return known }
        guard let arn = ARN(text) else { return nil }
        if firingArns.count >= 100_000 { firingArns.removeAll(keepingCapacity: true) }
        firingArns[text] = arn
        return arn
    }

    /// The scheduled-event payload of a rule (docs/cafe-report.md).
    func scheduledEvent(_ rule: StoredRule, at instant: Date) -> JSONValue {
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

    /// The services a rule's targets may be in: what CloudCafe can deliver to.
    static let deliverable: Set = ["lambda", "sns", "sqs", "events"]

    /// Delivers one event to one target as EventBridge does: as itself, for the rule, so the
    /// target's resource policy decides. A refused delivery is not retried (AWS retries only
    /// throttling and service errors); it goes to the target's dead-letter queue if it has one.
    func deliver(_ event: JSONValue, to target: Target, from rule: StoredRule, hops: Int = 0) async {
        let payload = Self.input(for: target, event: event, rule: rule)
        let caller = Caller(
            principal: .service("events.amazonaws.com"), region: rule.arn.region, sourceArn: rule.arn.description, causeID: event["id"]?.stringValue)
        guard let arn = ARN(target.arn) else { return }
        do {
            switch arn.service {
            case "lambda":
                _ = try await dispatcher.perform(
                    LambdaOperations.invoke, InvocationRequest(functionName: target.arn, invocationType: "Event", payload: Data(payload.utf8)), as: caller)
            case "sns":
                _ = try await dispatcher.perform(SNSOperations.publish, PublishInput(topicArn: target.arn, message: payload), as: caller)
            case "sqs":
                _ = try await dispatcher.perform(
                    SQSOperations.sendMessage,
                    SendMessageRequest(queueUrl: arn.sqsQueueURL, messageBody: payload, messageGroupId: target.sqsParameters?.messageGroupId), as: caller)
            case "events":
                let bus = Self.busName(target.arn)
                let busArn = ARN(service: "events", region: arn.region, account: arn.account, resource: "event-bus/\(bus)")
                guard bus == "default" || buses[busArn] != nil else {
                    throw EventBridgeError(code: .resourceNotFound, message: "Event bus \(bus) does not exist.")
                }
                await route(event, on: bus, region: arn.region, hops: hops + 1)
            default:
                Logger(label: "cloudcafe.events").warning("target service not supported", metadata: ["target": "\(target.arn)"])
            }
        } catch {
            Logger(label: "cloudcafe.events").warning(
                "target invocation failed", metadata: ["rule": "\(rule.name)", "target": "\(target.arn)", "error": "\(error)"])
            await deadLetter(payload, target: target, rule: rule, error: error, as: caller)
        }
    }

    /// Sends an undeliverable event to the target's dead-letter queue, with EventBridge's
    /// attributes saying why; the queue's policy must let EventBridge send for the rule.
    func deadLetter(_ payload: String, target: Target, rule: StoredRule, error: any Error, as caller: Caller) async {
        guard let text = target.deadLetterConfig?.arn, let queue = ARN(text) else { return }
        let (code, message): (String, String) =
            if let e = error as? AWSClientError { (e.error.errorCode, e.error.message) } else if let e = error as? any AWSServiceError {
                (e.errorCode, e.message)
            } else { ("InternalFailure", "\(error)") }
        let attributes: [String: SQSAPI.MessageAttributeValue] = [
            "ERROR_CODE": .init(stringValue: code, dataType: "String"), "ERROR_MESSAGE": .init(stringValue: message, dataType: "String"),
            "RULE_ARN": .init(stringValue: rule.arnText, dataType: "String"), "TARGET_ARN": .init(stringValue: target.arn, dataType: "String"),
        ]
        do {
            _ = try await dispatcher.perform(
                SQSOperations.sendMessage, SendMessageRequest(queueUrl: queue.sqsQueueURL, messageBody: payload, messageAttributes: attributes), as: caller)
        } catch {
            Logger(label: "cloudcafe.events").warning("dead-letter delivery failed", metadata: ["rule": "\(rule.name)", "queue": "\(text)", "error": "\(error)"])
        }
    }

    /// The URL of the queue an SQS ARN names (SQS reads the account and name from it).

    /// What a target receives: its constant `Input`, the part of the event its `InputPath`
    /// selects, its `InputTransformer`'s template filled in, or the whole event.
    static func input(for target: Target, event: JSONValue, rule: StoredRule) -> String {
        if let input = target.input { return input }
        if let path = target.inputPath { return select(path, in: event)?.compact ?? "" }
        if let transformer = target.inputTransformer {
            var values: [String: JSONValue] = [
                "aws.events.rule-arn": .string(rule.arn.description), "aws.events.rule-name": .string(rule.name),
                "aws.events.event": event, "aws.events.event.json": event,
                "aws.events.event.ingestion-time": event["time"] ?? .null,
            ]
            for (name, path) in transformer.inputPathsMap ?? [:] { values[name] = select(path, in: event) ?? .null }
            return fill(transformer.inputTemplate, values)
        }
        return event.compact
    }

    /// Replaces each `<name>` of the template: strings as their text (the template supplies any
    /// quotes), other values as JSON, as EventBridge's InputTransformer does.
    static func fill(_ template: String, _ values: [String: JSONValue]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                out += rest[open...]
                return out
            }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] {
                if case .string(let s) = value { out += s } else { out += value.compact }
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// A JSONPath of the kind EventBridge accepts: `$`, `$.a.b`, `$.list[0]`.
    static func select(_ path: String, in event: JSONValue) -> JSONValue? {
        guard path.hasPrefix("$") else { return nil }
        var value: JSONValue? = event
        for part in path.dropFirst().split(separator: ".") {
            var key = Substring(part)
            var indexes: [Int] = []
            while let open = key.lastIndex(of: "["), key.hasSuffix("]"), let i = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) {
                indexes.insert(i, at: 0)
                key = key[..<open]
            }
            if !key.isEmpty { value = value?[String(key)] }
            for i in indexes {
                guard case .array(let items)? = value, items.indices.contains(i) else { return nil }
                value = items[i]
            }
        }
        return value
    }

    /// `2026-11-28T20:00:00Z`: EventBridge writes event times to the second.
    static func eventTime(_ date: Date) -> String {
        TimeText.iso8601(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }
}
