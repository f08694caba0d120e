import CloudCafeCore
import Crypto
import Foundation
import SQSAPI

// Messages: sending (one or a batch, standard or FIFO), receiving (with long polling and
// redrive to a dead-letter queue), deleting and changing visibility.
extension SQS {
    /// A message is at most 1 MiB, and so is a batch.
    static let maxMessageBytes = 1_048_576
    /// FIFO deduplication remembers ids for five minutes (virtual time).
    static let deduplicationWindow: TimeInterval = 300

    /// One message to enqueue, from SendMessage or an entry of SendMessageBatch.
    struct Outgoing {
        var body: String
        var delay: Int?
        var attributes: [String: MessageAttributeValue]?
        var groupID: String?
        var deduplicationID: String?
    }

    func send(_ input: SendMessageRequest, _ ctx: CallContext) throws(SQSError) -> SendMessageResult {
        let k = try key(forURL: input.queueUrl, ctx)
        return try enqueue(
            Outgoing(
                body: input.messageBody, delay: input.delaySeconds, attributes: input.messageAttributes, groupID: input.messageGroupId,
                deduplicationID: input.messageDeduplicationId), in: k, ctx)
    }

    func enqueue(_ m: Outgoing, in k: Key, _ ctx: CallContext) throws(SQSError) -> SendMessageResult {
        guard var queue = queues[k] else { throw .noQueue() }
        guard !m.body.isEmpty, m.body.utf8.count <= Self.maxMessageBytes else {
            throw .invalid("One or more parameters are invalid. Reason: Message must be shorter than \(Self.maxMessageBytes) bytes.")
        }
        if let d = m.delay, !(0...900).contains(d) {
            throw .invalid("Value \(d) for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.")
        }
        let attributes = m.attributes ?? [:]
        guard attributes.count <= 10 else {
            throw .invalid("Number of message attributes [\(attributes.count)] exceeds the allowed maximum [10].")
        }
        var result = SendMessageResult(
            md5OfMessageBody: Self.md5(Data(m.body.utf8)), md5OfMessageAttributes: attributes.isEmpty ? nil : Self.attributesMD5(attributes))
        var sequence: String?
        var dedup: String?
        if queue.isFIFO {
            guard let group = m.groupID, !group.isEmpty else { throw SQSError(code: .missingParameter, message: "The request must contain the parameter MessageGroupId.") }
            _ = group
            if let d = m.delay {
                throw .invalid("Value \(d) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
            }
            dedup = m.deduplicationID
            if dedup == nil, queue.attributes["ContentBasedDeduplication"] == "true" {
                dedup = Digits.hex(SHA256.hash(data: Data(m.body.utf8)))
            }
            guard let id = dedup else {
                throw .invalid("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
            }
            queue.recentIDs = queue.recentIDs.filter { ctx.now.timeIntervalSince($0.value.at) < Self.deduplicationWindow }
            if let seen = queue.recentIDs[id] {
                // A duplicate within the window is acknowledged as the original, and not queued again.
                queues[k] = queue
                result.messageId = seen.messageID
                result.sequenceNumber = seen.sequence
                return result
            }
            queue.sequence += 1
            sequence = Digits.padded(queue.sequence, 20)
        }
        let message = QueuedMessage(
            id: ids.uuid(), body: m.body, md5: result.md5OfMessageBody ?? "", attributes: attributes, attributesMD5: result.md5OfMessageAttributes,
            sent: ctx.now, sender: ctx.caller.arn, visibleAt: ctx.now.addingTimeInterval(m.delay.map(TimeInterval.init) ?? queue.delay),
            groupID: queue.isFIFO ? m.groupID : nil, deduplicationID: dedup, sequenceNumber: sequence)
        if let dedup, let sequence { queue.recentIDs[dedup] = DeduplicationRecord(messageID: message.id, sequence: sequence, at: ctx.now) }
        queue.messages.append(message)
        queues[k] = queue
        result.messageId = message.id
        result.sequenceNumber = sequence
        wakeWaiters(k)
        return result
    }

    /// Checks a batch as SQS does: 1–10 entries with distinct, well-formed ids, 1 MiB in all.
    static func checkBatch(_ ids: [String], bytes: Int = 0) throws(SQSError) {
        guard !ids.isEmpty else { throw SQSError(code: .emptyBatchRequest, message: "There should be at least one SendMessageBatchRequestEntry in the request.") }
        guard ids.count <= 10 else {
            throw SQSError(code: .tooManyEntriesInBatchRequest, message: "Maximum number of entries per request are 10. You have sent \(ids.count).")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        for id in ids where id.isEmpty || id.count > 80 || !id.allSatisfy(allowed.contains) {
            throw SQSError(
                code: .invalidBatchEntryId,
                message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
        }
        if let dup = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
            throw SQSError(code: .batchEntryIdsNotDistinct, message: "Id \(dup) repeated.")
        }
        guard bytes <= maxMessageBytes else {
            throw SQSError(
                code: .batchRequestTooLong, message: "Batch requests cannot be longer than \(maxMessageBytes) bytes. You have sent \(bytes) bytes.")
        }
    }

    func sendBatch(_ input: SendMessageBatchRequest, _ ctx: CallContext) throws(SQSError) -> SendMessageBatchResult {
        let k = try key(forURL: input.queueUrl, ctx)
        try Self.checkBatch(input.entries.map(\.id), bytes: input.entries.reduce(0) { $0 + $1.messageBody.utf8.count })
        var ok: [SendMessageBatchResultEntry] = []
        var failed: [BatchResultErrorEntry] = []
        for e in input.entries {
            do {
                let r = try enqueue(
                    Outgoing(
                        body: e.messageBody, delay: e.delaySeconds, attributes: e.messageAttributes, groupID: e.messageGroupId,
                        deduplicationID: e.messageDeduplicationId), in: k, ctx)
                ok.append(
                    SendMessageBatchResultEntry(
                        id: e.id, messageId: r.messageId ?? "", md5OfMessageBody: r.md5OfMessageBody ?? "", md5OfMessageAttributes: r.md5OfMessageAttributes,
                        sequenceNumber: r.sequenceNumber))
            } catch {
                failed.append(BatchResultErrorEntry(id: e.id, senderFault: error.isSenderFault, code: error.code.queryCode, message: error.message))
            }
        }
        return SendMessageBatchResult(successful: ok, failed: failed)
    }

    // MARK: Receiving

    func receive(_ input: ReceiveMessageRequest, _ ctx: CallContext) async throws(SQSError) -> ReceiveMessageResult {
        let k = try key(forURL: input.queueUrl, ctx)
        let count = input.maxNumberOfMessages ?? 1
        guard (1...10).contains(count) else {
            throw .invalid("Value \(count) for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
        }
        guard let queue = queues[k] else { throw .noQueue() }
        let wait = input.waitTimeSeconds ?? queue.waitTime
        guard (0...20).contains(wait) else {
            throw .invalid("Value \(wait) for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        }
        var received = try take(input, from: k, count: count, now: ctx.now)
        if received.isEmpty, wait > 0 {
            // Long polling: until a message arrives or the wait ends on the virtual clock, and
            // never longer than the wait in real seconds, so a frozen clock cannot hang a client.
            await waitForMessage(k, until: ctx.now.addingTimeInterval(TimeInterval(wait)), realLimit: .seconds(wait))
            received = try take(input, from: k, count: count, now: dispatcher.clock.now)
        }
        return ReceiveMessageResult(messages: received.isEmpty ? nil : received)
    }

    /// Takes up to `count` visible messages, in order (FIFO: a group waits while one of its
    /// messages is in flight). A message received too often goes to the dead-letter queue instead.
    func take(_ input: ReceiveMessageRequest, from k: Key, count: Int, now: Date) throws(SQSError) -> [Message] {
        guard var queue = queues[k] else { throw .noQueue() }
        // Messages past their retention period are gone.
        let retention = queue.retention
        queue.messages.removeAll { now.timeIntervalSince($0.sent) > retention }
        let redrive = Self.redrive(queue)
        let timeout = input.visibilityTimeout.map(TimeInterval.init) ?? queue.visibilityTimeout
        let wanted = Set((input.attributeNames ?? []) + (input.messageSystemAttributeNames ?? []))
        let names = Set(input.messageAttributeNames ?? [])
        var blockedGroups = Set(queue.messages.filter { $0.visibleAt > now && $0.receiveCount > 0 }.compactMap(\.groupID))
        var received: [Message] = []
        var moved: [QueuedMessage] = []
        var i = 0
        while i < queue.messages.count, received.count < count {
            var m = queue.messages[i]
            if let g = m.groupID, blockedGroups.contains(g) {
                i += 1
                continue
            }
            guard m.visibleAt <= now else {
                if let g = m.groupID { blockedGroups.insert(g) }
                i += 1
                continue
            }
            if let redrive, m.receiveCount >= redrive.maxReceiveCount {
                moved.append(queue.messages.remove(at: i))
                continue
            }
            m.receiveCount += 1
            m.firstReceived = m.firstReceived ?? now
            m.visibleAt = now.addingTimeInterval(timeout)
            let receipt = ids.hex(32) + ids.hex(32)
            m.receipt = receipt
            queue.messages[i] = m
            received.append(Self.describe(m, receipt: receipt, wanted: wanted, names: names, now: now))
            i += 1
        }
        queues[k] = queue
        if let redrive, !moved.isEmpty { moveToDeadLetterQueue(moved, redrive.target, now: now) }
        return received
    }

    static func describe(_ m: QueuedMessage, receipt: String, wanted: Set<String>, names: Set<String>, now: Date) -> Message {
        var attrs: [String: String] = [:]
        let all = wanted.contains("All")
        func want(_ name: String) -> Bool { all || wanted.contains(name) }
        if want("ApproximateReceiveCount") { attrs["ApproximateReceiveCount"] = String(m.receiveCount) }
        if want("SentTimestamp") { attrs["SentTimestamp"] = String(Int64(m.sent.timeIntervalSince1970 * 1000)) }
        if want("SenderId") { attrs["SenderId"] = m.sender }
        if want("ApproximateFirstReceiveTimestamp") {
            attrs["ApproximateFirstReceiveTimestamp"] = String(Int64((m.firstReceived ?? now).timeIntervalSince1970 * 1000))
        }
        if let g = m.groupID, want("MessageGroupId") { attrs["MessageGroupId"] = g }
        if let d = m.deduplicationID, want("MessageDeduplicationId") { attrs["MessageDeduplicationId"] = d }
        if let s = m.sequenceNumber, want("SequenceNumber") { attrs["SequenceNumber"] = s }
        let shown = names.contains("All") || names.contains(".*") ? m.attributes : m.attributes.filter { names.contains($0.key) }
        return Message(
            messageId: m.id, receiptHandle: receipt, md5OfBody: m.md5, body: m.body, attributes: attrs.isEmpty ? nil : attrs,
            md5OfMessageAttributes: shown.isEmpty ? nil : attributesMD5(shown), messageAttributes: shown.isEmpty ? nil : shown)
    }

    /// A queue's `RedrivePolicy`: where messages go after `maxReceiveCount` receives.
    static func redrive(_ queue: Queue) -> (target: Key, maxReceiveCount: Int)? {
        guard let text = queue.attributes["RedrivePolicy"], let policy = try? JSONValue(parsing: text),
            let target = policy["deadLetterTargetArn"]?.stringValue.flatMap(ARN.init),
            let max = policy["maxReceiveCount"].flatMap({ $0.intValue ?? $0.stringValue.flatMap { Int($0) } })
        else { return nil }
        return (Key(region: target.region, name: target.resource), max)
    }

    func moveToDeadLetterQueue(_ messages: [QueuedMessage], _ target: Key, now: Date) {
        guard queues[target] != nil else { return }
        for var m in messages {
            // The message keeps its id and body; its receive count starts again.
            m.receiveCount = 0
            m.receipt = nil
            m.visibleAt = now
            queues[target]?.messages.append(m)
        }
        wakeWaiters(target)
    }

    // MARK: Long polling

    /// Waits until a message is sent to `k`, the virtual clock reaches `deadline`, or
    /// `realLimit` of real time passes.
    func waitForMessage(_ k: Key, until deadline: Date, realLimit: Duration) async {
        let id = ids.uuid()
        let agendaID = "\(Self.waitKind)|\(id)"
        dispatcher.agenda.schedule(AgendaItem(id: agendaID, kind: Self.waitKind, due: deadline, payload: Wait(key: k, id: id)))
        let timer = Task { [self] in
            try? await MachineClock.sleep(for: realLimit)
            wake(k, id)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in waiters[k, default: [:]][id] = c }
        timer.cancel()
        dispatcher.agenda.cancel(agendaID)
    }

    /// The Agenda kind that ends a long poll when the virtual clock reaches its end.
    static let waitKind = "sqs.wait"

    struct Wait: Codable {
        let key: Key
        let id: String
    }

    func wake(_ k: Key, _ id: String) {
        waiters[k]?.removeValue(forKey: id)?.resume()
    }

    func wakeWaiters(_ k: Key) {
        guard let waiting = waiters.removeValue(forKey: k) else { return }
        for c in waiting.values { c.resume() }
    }

    // MARK: Deleting and visibility

    func deleteMessage(_ input: DeleteMessageRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        let k = try key(forURL: input.queueUrl, ctx)
        try delete(receipt: input.receiptHandle, in: k)
        return EmptyShape()
    }

    func delete(receipt: String, in k: Key) throws(SQSError) {
        guard let i = queues[k]?.messages.firstIndex(where: { $0.receipt == receipt }) else {
            throw SQSError(code: .receiptHandleIsInvalid, message: "The input receipt handle \"\(receipt)\" is not a valid receipt handle.")
        }
        queues[k]?.messages.remove(at: i)
    }

    func deleteBatch(_ input: DeleteMessageBatchRequest, _ ctx: CallContext) throws(SQSError) -> DeleteMessageBatchResult {
        let k = try key(forURL: input.queueUrl, ctx)
        try Self.checkBatch(input.entries.map(\.id))
        var ok: [DeleteMessageBatchResultEntry] = []
        var failed: [BatchResultErrorEntry] = []
        for e in input.entries {
            do {
                try delete(receipt: e.receiptHandle, in: k)
                ok.append(DeleteMessageBatchResultEntry(id: e.id))
            } catch {
                failed.append(BatchResultErrorEntry(id: e.id, senderFault: true, code: error.code.queryCode, message: error.message))
            }
        }
        return DeleteMessageBatchResult(successful: ok, failed: failed)
    }

    func changeVisibility(receipt: String, to seconds: Int, in k: Key, now: Date) throws(SQSError) {
        guard (0...43_200).contains(seconds) else {
            throw .invalid("Value \(seconds) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.")
        }
        guard let i = queues[k]?.messages.firstIndex(where: { $0.receipt == receipt }) else {
            throw SQSError(code: .receiptHandleIsInvalid, message: "The input receipt handle \"\(receipt)\" is not a valid receipt handle.")
        }
        guard let m = queues[k]?.messages[i], m.visibleAt > now else {
            throw SQSError(code: .messageNotInflight, message: "Message does not exist or is not available for visibility timeout change.")
        }
        queues[k]?.messages[i].visibleAt = now.addingTimeInterval(TimeInterval(seconds))
        if seconds == 0 { wakeWaiters(k) }
    }

    func changeVisibility(_ input: ChangeMessageVisibilityRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        try changeVisibility(receipt: input.receiptHandle, to: input.visibilityTimeout, in: try key(forURL: input.queueUrl, ctx), now: ctx.now)
        return EmptyShape()
    }

    func changeVisibilityBatch(_ input: ChangeMessageVisibilityBatchRequest, _ ctx: CallContext) throws(SQSError) -> ChangeMessageVisibilityBatchResult {
        let k = try key(forURL: input.queueUrl, ctx)
        try Self.checkBatch(input.entries.map(\.id))
        var ok: [ChangeMessageVisibilityBatchResultEntry] = []
        var failed: [BatchResultErrorEntry] = []
        for e in input.entries {
            do {
                try changeVisibility(receipt: e.receiptHandle, to: e.visibilityTimeout ?? 0, in: k, now: ctx.now)
                ok.append(ChangeMessageVisibilityBatchResultEntry(id: e.id))
            } catch {
                failed.append(BatchResultErrorEntry(id: e.id, senderFault: true, code: error.code.queryCode, message: error.message))
            }
        }
        return ChangeMessageVisibilityBatchResult(successful: ok, failed: failed)
    }
}
