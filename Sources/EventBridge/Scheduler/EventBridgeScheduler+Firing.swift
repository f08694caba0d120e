import CloudCafeCore
public import Foundation
import LambdaAPI
import Logging
import SNSAPI
import SQSAPI
import STSAPI
import SchedulerAPI

extension EventBridgeScheduler {
    /// The next `count` delivery times of a schedule after `instant`.
    public func upcoming(name: String, group: String, region: String, after instant: Date, count: Int) -> [Date]? {
        guard var s = schedules[Key(region: region, group: group, name: name)] else { return nil }
        s.cursor = max(s.cursor, instant)
        var result: [Date] = []
        while result.count < count, let n = s.nextNominal {
            result.append(s.due(n))
            s.cursor = n
        }
        return result
    }

    /// Delivers one firing: the schedule's target is invoked with its execution role, which
    /// Scheduler assumes as `scheduler.amazonaws.com`; a refused delivery is retried as its
    /// RetryPolicy allows. A one-time schedule with ActionAfterCompletion DELETE goes away.
    func fire(_ item: AgendaItem) async -> Firing? {
        guard let due = try? item.payload(as: Due.self), var s = schedules[due.key] else { return nil }
        let key = due.key
        s.cursor = due.nominal
        store(key, s)
        let firing = Firing(rule: "\(s.group)/\(s.name)", time: s.due(due.nominal), kind: "schedule")
        dispatcher.timeline.record(
            "firing", id: "\(s.arn.description)@\(TimeText.iso8601(dispatcher.clock.now))", cause: nil, time: dispatcher.clock.now,
            details: [("schedule", .string("\(s.group)/\(s.name)")), ("target", .string(s.target.arn))])
        await deliver(Retry(target: s.target, schedule: s.arn.description, region: key.region, attempt: 0, firstAttempt: dispatcher.clock.now))
        if s.deleteAfterCompletion, schedules[key]?.nextNominal == nil { remove(key) }
        return firing
    }

    /// A delivery and how many times it was tried: the payload of a retry on the Agenda.
    struct Retry: Codable {
        let target: Target
        let schedule: String
        let region: String
        let attempt: Int
        let firstAttempt: Date
    }

    func deliver(_ delivery: Retry) async {
        let (target, schedule, region, attempt, firstAttempt) = (delivery.target, delivery.schedule, delivery.region, delivery.attempt, delivery.firstAttempt)
        var role: AWSClient?
        do {
            // Every call of a delivery, retries included, was caused by the schedule's firing.
            let cause = "\(schedule)@\(TimeText.iso8601(firstAttempt))"
            let scheduler = dispatcher.client(as: .service("scheduler.amazonaws.com"), region: region, sourceArn: schedule, causeID: cause)
            let session = try await scheduler.send(
                STSOperations.assumeRole, AssumeRoleRequest(roleArn: target.roleArn, roleSessionName: "EventBridgeScheduler", durationSeconds: 900))
            guard let sessionArn = session.assumedRoleUser.flatMap({ ARN($0.arn) }), let roleName = sessionArn.resource.split(separator: "/").dropFirst().first else { return }
            let roleArn = ARN(service: "iam", region: "", account: sessionArn.account, resource: "role/\(roleName)")
            let client = dispatcher.client(
                as: .assumedRole(role: roleArn, session: "EventBridgeScheduler"), region: region, sourceArn: schedule, causeID: cause)
            role = client
            let input = target.input ?? "{}"
            switch ARN(target.arn)?.service {
            case "lambda":
                _ = try await client.send(LambdaOperations.invoke, InvocationRequest(functionName: target.arn, invocationType: "Event", payload: Data(input.utf8)))
            case "sns":
                _ = try await client.send(SNSOperations.publish, PublishInput(topicArn: target.arn, message: input))
            case "sqs":
                _ = try await client.send(SQSOperations.sendMessage, SendMessageRequest(queueUrl: Self.queueURL(target.arn), messageBody: input))
            default:
                logger.warning("schedule target not supported", metadata: ["target": "\(target.arn)"])
            }
        } catch {
            // Scheduler retries until the attempts or the event's age run out; then the event goes
            // to the dead-letter queue, sent with the execution role, or is dropped.
            let maxAttempts = target.retryPolicy?.maximumRetryAttempts ?? 185
            let maxAge = TimeInterval(target.retryPolicy?.maximumEventAgeInSeconds ?? 86_400)
            let next = dispatcher.clock.now.addingTimeInterval(60)
            guard attempt < maxAttempts, next.timeIntervalSince(firstAttempt) <= maxAge else {
                await deadLetter(target, schedule: schedule, error: error, attempts: attempt, as: role)
                return
            }
            let retry = Retry(target: target, schedule: schedule, region: region, attempt: attempt + 1, firstAttempt: firstAttempt)
            dispatcher.agenda.schedule(
                AgendaItem(id: "\(Self.retryKind)|\(schedule)|\(dispatcher.ids.uuid())", kind: Self.retryKind, due: next, payload: retry))
        }
    }

    /// Sends an undeliverable event to the target's dead-letter queue with Scheduler's error attributes.
    func deadLetter(_ target: Target, schedule: String, error: any Error, attempts: Int, as role: AWSClient?) async {
        guard let dlq = target.deadLetterConfig?.arn, let role else {
            logger.warning("schedule delivery dropped", metadata: ["schedule": "\(schedule)", "error": "\(error)"])
            return
        }
        let (code, message): (String, String) =
            if let e = error as? AWSClientError { (e.error.errorCode, e.error.message) } else { ("InternalFailure", "\(error)") }
        let attributes: [String: SQSAPI.MessageAttributeValue] = [
            "ERROR_CODE": .init(stringValue: code, dataType: "String"), "ERROR_MESSAGE": .init(stringValue: message, dataType: "String"),
            "RETRY_ATTEMPTS": .init(stringValue: String(attempts), dataType: "Number"), "TARGET_ARN": .init(stringValue: target.arn, dataType: "String"),
            "SCHEDULE_ARN": .init(stringValue: schedule, dataType: "String"),
        ]
        do {
            _ = try await role.send(
                SQSOperations.sendMessage, SendMessageRequest(queueUrl: Self.queueURL(dlq), messageBody: target.input ?? "{}", messageAttributes: attributes))
        } catch {
            logger.warning("dead-letter delivery failed", metadata: ["schedule": "\(schedule)", "queue": "\(dlq)", "error": "\(error)"])
        }
    }

    /// The URL of the queue an SQS ARN names; text that is no ARN is passed on (SQS refuses it).
    static func queueURL(_ arn: String) -> String { ARN(arn)?.sqsQueueURL ?? arn }
}
