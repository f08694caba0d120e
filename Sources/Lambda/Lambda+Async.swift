import CloudCafeCore
import EventBridgeAPI
import Foundation
import LambdaAPI
import SNSAPI
import SQSAPI

// Asynchronous invocation: the function's queue on the virtual clock, retries, throttling,
// destinations and the dead-letter queue, as Lambda runs them.
extension Lambda {
    /// Delays before the retries of a failed asynchronous invocation (AWS: one minute, then two).
    static let asyncRetryDelays: [TimeInterval] = [60, 120]
    /// How long an event may wait in the queue by default (six hours), and at least/most.
    static let defaultEventAge = 21_600
    /// The Agenda kind of an asynchronous event waiting for its next attempt.
    static let retryKind = "lambda.retry"

    /// An event in a function's asynchronous queue.
    struct AsyncEvent: Codable {
        let region: String
        let function: String
        let qualifier: String?
        let event: String
        let requestID: String
        /// Invocations made so far.
        var attempts: Int
        /// Times it found the function throttled.
        var throttles: Int
        let queued: Date
        /// The timeline entry of what led to the next attempt: the Invoke call, then a retry.
        var cause: String?
        /// The entry of the latest attempt.
        var lastInvocation: String?
    }

    /// Queues an accepted event on the Agenda, due now: it runs at once, and as an item of
    /// the clock it is written with the state (`--state-dir`) before the 202 goes out.
    func enqueue(_ f: Function, qualifier: String?, payload: Data, requestID: String, cause: String?) {
        let event = AsyncEvent(
            region: f.arn.region, function: f.name, qualifier: qualifier, event: String(decoding: payload, as: UTF8.self), requestID: requestID,
            attempts: 0, throttles: 0, queued: dispatcher.clock.now, cause: cause)
        dispatcher.agenda.schedule(
            AgendaItem(id: "\(Self.retryKind)|\(requestID)|0|0", kind: Self.retryKind, due: dispatcher.clock.now, payload: event, cause: requestID))
    }

    func retry(_ item: AgendaItem) async {
        guard let e = try? item.payload(as: AsyncEvent.self) else { return }
        await runAsync(e)
    }

    private func schedule(_ e: AsyncEvent, after delay: TimeInterval, reason: String) {
        var e = e
        let due = dispatcher.clock.now.addingTimeInterval(delay)
        let id = "retry-\(e.requestID)-\(e.attempts)-\(e.throttles)"
        dispatcher.timeline.record(
            "retry", id: id, cause: e.lastInvocation ?? e.cause, time: dispatcher.clock.now,
            details: [
                ("function", .string(e.function)), ("requestId", .string(e.requestID)), ("reason", .string(reason)), ("due", .string(TimeText.iso8601(due))),
            ])
        e.cause = id
        dispatcher.agenda.schedule(
            AgendaItem(id: "\(Self.retryKind)|\(e.requestID)|\(e.attempts)|\(e.throttles)", kind: Self.retryKind, due: due, payload: e, cause: e.requestID))
    }

    /// One attempt of an asynchronous event: too old, it fails; throttled, it waits; failed,
    /// it is retried up to the function's limit; then its destinations hear how it ended.
    func runAsync(_ e: AsyncEvent) async {
        var e = e
        // The function may have been deleted or changed since: use it as it is now.
        guard let base = functions[Key(region: e.region, name: e.function)], let f = try? resolve(base, qualifier: e.qualifier) else { return }
        let config = base.invokeConfigs[e.qualifier ?? "$LATEST"]
        let maxAge = TimeInterval(config?.maximumEventAgeInSeconds ?? Self.defaultEventAge)
        let maxRetries = config?.maximumRetryAttempts ?? Self.asyncRetryDelays.count
        let event = (try? JSONValue(parsing: Data(e.event.utf8))) ?? .object([])
        if dispatcher.clock.now.timeIntervalSince(e.queued) > maxAge {
            return await finish(e, base, f, config, condition: "EventAgeExceeded", result: nil, event: event)
        }
        if throttled(f) != nil {
            // Lambda keeps the event and tries again, backing off up to five minutes.
            e.throttles += 1
            return schedule(e, after: min(300, pow(2, Double(min(e.throttles, 9)))), reason: "throttled")
        }
        e.attempts += 1
        let result = await run(f, event: event, payload: Data(e.event.utf8), requestID: e.requestID, cause: e.cause, attempt: e.attempts)
        e.lastInvocation = e.attempts > 1 ? "\(e.requestID)#\(e.attempts)" : e.requestID
        if !result.failed {
            return await finish(e, base, f, config, condition: "Success", result: result, event: event)
        }
        if e.attempts <= maxRetries, e.attempts - 1 < Self.asyncRetryDelays.count {
            return schedule(e, after: Self.asyncRetryDelays[e.attempts - 1], reason: "function error")
        }
        await finish(e, base, f, config, condition: "RetriesExhausted", result: result, event: event)
    }

    /// Sends AWS's invocation record to the success or failure destination, and a failed
    /// event to the dead-letter queue, as the function's execution role.
    private func finish(
        _ e: AsyncEvent, _ base: Function, _ f: Function, _ config: EventInvokeConfig?, condition: String, result: InvocationResult?, event: JSONValue
    ) async {
        let success = condition == "Success"
        let role = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region, causeID: e.lastInvocation ?? e.cause)
        if let destination = success ? config?.onSuccess : config?.onFailure {
            var response: [(String, JSONValue)] = [("statusCode", .int(200)), ("executedVersion", .string(f.version))]
            if let result, result.failed { response.append(("functionError", .string("Unhandled"))) }
            var record: [(String, JSONValue)] = [
                ("version", .string("1.0")), ("timestamp", .string(Self.logTimestamp(dispatcher.clock.now))),
                (
                    "requestContext",
                    .object([
                        ("requestId", .string(e.requestID)), ("functionArn", .string(Self.arn(base, qualifier: e.qualifier ?? "$LATEST"))),
                        ("condition", .string(condition)), ("approximateInvokeCount", .int(e.attempts)),
                    ])
                ),
                ("requestPayload", event), ("responseContext", .object(response)),
            ]
            if let result {
                record.append(("responsePayload", (try? JSONValue(parsing: result.payload)) ?? .string(String(decoding: result.payload, as: UTF8.self))))
            }
            dispatcher.timeline.record(
                "delivery", cause: e.lastInvocation ?? e.cause, time: dispatcher.clock.now,
                details: [("function", .string(f.name)), ("destination", .string(destination)), ("condition", .string(condition))])
            await deliver(.object(record), to: destination, success: success, function: base, as: role)
        }
        if !success, let dlq = f.deadLetterTarget {
            dispatcher.timeline.record(
                "deadletter", cause: e.lastInvocation ?? e.cause, time: dispatcher.clock.now,
                details: [("function", .string(f.name)), ("target", .string(dlq)), ("requestId", .string(e.requestID)), ("condition", .string(condition))])
            let error = result.flatMap { try? JSONValue(parsing: $0.payload) }
            let message = String((error?["errorMessage"]?.stringValue ?? condition).prefix(1024))
            await deadLetter(e.event, to: dlq, requestID: e.requestID, errorMessage: message, as: role)
        }
    }

    private func deliver(_ record: JSONValue, to destination: String, success: Bool, function f: Function, as role: AWSClient) async {
        guard let arn = ARN(destination) else { return }
        let body = record.compact
        switch arn.service {
        case "sqs":
            _ = try? await role.send(SQSOperations.sendMessage, SendMessageRequest(queueUrl: arn.sqsQueueURL, messageBody: body))
        case "sns":
            _ = try? await role.send(SNSOperations.publish, PublishInput(topicArn: destination, message: body))
        case "lambda":
            _ = try? await role.send(LambdaOperations.invoke, InvocationRequest(functionName: destination, invocationType: "Event", payload: Data(body.utf8)))
        case "events":
            let entry = PutEventsRequestEntry(
                source: "lambda", resources: [f.arn.description],
                detailType: "Lambda Function Invocation Result - \(success ? "Success" : "Failure")", detail: body, eventBusName: destination)
            _ = try? await role.send(EventBridgeOperations.putEvents, PutEventsRequest(entries: [entry]))
        default:
            return
        }
    }

    /// The event itself, with the attributes Lambda adds (`RequestID`, `ErrorCode`, `ErrorMessage`).
    private func deadLetter(_ event: String, to target: String, requestID: String, errorMessage: String, as role: AWSClient) async {
        guard let arn = ARN(target) else { return }
        switch arn.service {
        case "sqs":
            let attributes: [String: SQSAPI.MessageAttributeValue] = [
                "RequestID": .init(stringValue: requestID, dataType: "String"), "ErrorCode": .init(stringValue: "200", dataType: "Number"),
                "ErrorMessage": .init(stringValue: errorMessage, dataType: "String"),
            ]
            _ = try? await role.send(
                SQSOperations.sendMessage, SendMessageRequest(queueUrl: arn.sqsQueueURL, messageBody: event, messageAttributes: attributes))
        case "sns":
            let attributes: [String: SNSAPI.MessageAttributeValue] = [
                "RequestID": .init(dataType: "String", stringValue: requestID), "ErrorCode": .init(dataType: "Number", stringValue: "200"),
                "ErrorMessage": .init(dataType: "String", stringValue: errorMessage),
            ]
            _ = try? await role.send(SNSOperations.publish, PublishInput(topicArn: target, message: event, messageAttributes: attributes))
        default:
            return
        }
    }


    // MARK: - Configuration

    func eventInvokeConfig(_ f: Function, _ qualifier: String, _ c: EventInvokeConfig) -> FunctionEventInvokeConfig {
        FunctionEventInvokeConfig(
            lastModified: c.lastModified, functionArn: Self.arn(f, qualifier: qualifier), maximumRetryAttempts: c.maximumRetryAttempts,
            maximumEventAgeInSeconds: c.maximumEventAgeInSeconds,
            destinationConfig: DestinationConfig(
                onSuccess: OnSuccess(destination: c.onSuccess), onFailure: OnFailure(destination: c.onFailure)))
    }

    static func checkDestination(_ text: String?) throws(LambdaError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let arn = ARN(text), ["sqs", "sns", "lambda", "events"].contains(arn.service) else {
            throw .invalid(
                "The destination ARN \(text) is invalid. Supported destinations are SQS queues, SNS topics, Lambda functions and EventBridge event buses.")
        }
        return text
    }

    func putEventInvokeConfig(
        _ name: String, _ qualifier: String?, retries: Int?, age: Int?, destinations: DestinationConfig?, merge: Bool, _ ctx: CallContext
    ) throws(LambdaError) -> FunctionEventInvokeConfig {
        var (f, q) = try qualified(name, qualifier, ctx)
        let key = q ?? "$LATEST"
        // The model bounds retries (0–2) and age (60–21,600).
        let old = merge ? f.invokeConfigs[key] : nil
        if merge, old == nil { throw .functionNotFound(Self.arn(f, qualifier: key)) }
        var onSuccess = old?.onSuccess
        var onFailure = old?.onFailure
        if let d = destinations?.onSuccess { onSuccess = try Self.checkDestination(d.destination) }
        if let d = destinations?.onFailure { onFailure = try Self.checkDestination(d.destination) }
        let config = EventInvokeConfig(
            maximumRetryAttempts: retries ?? old?.maximumRetryAttempts, maximumEventAgeInSeconds: age ?? old?.maximumEventAgeInSeconds,
            onSuccess: onSuccess, onFailure: onFailure, lastModified: ctx.now)
        f.invokeConfigs[key] = config
        store(f)
        return eventInvokeConfig(f, key, config)
    }

    func getEventInvokeConfig(_ name: String, _ qualifier: String?, _ ctx: CallContext) throws(LambdaError) -> FunctionEventInvokeConfig {
        let (f, q) = try qualified(name, qualifier, ctx)
        let key = q ?? "$LATEST"
        guard let c = f.invokeConfigs[key] else {
            throw LambdaError(code: .resourceNotFound, message: "The function \(Self.arn(f, qualifier: key)) doesn't have an EventInvokeConfig")
        }
        return eventInvokeConfig(f, key, c)
    }

    func deleteEventInvokeConfig(_ name: String, _ qualifier: String?, _ ctx: CallContext) throws(LambdaError) -> EmptyShape {
        _ = try getEventInvokeConfig(name, qualifier, ctx)
        var (f, q) = try qualified(name, qualifier, ctx)
        f.invokeConfigs[q ?? "$LATEST"] = nil
        store(f)
        return EmptyShape()
    }

    func listEventInvokeConfigs(_ input: ListFunctionEventInvokeConfigsRequest, _ ctx: CallContext) throws(LambdaError)
        -> ListFunctionEventInvokeConfigsResponse
    {
        let f = try function(input.functionName, ctx)
        let all = f.invokeConfigs.sorted { $0.key < $1.key }
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListFunctionEventInvokeConfigsResponse(functionEventInvokeConfigs: page.map { eventInvokeConfig(f, $0.key, $0.value) }, nextMarker: next)
    }
}
