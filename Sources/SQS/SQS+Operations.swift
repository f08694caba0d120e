import CloudCafeCore
import Crypto
import Foundation
import SQSAPI

extension SQS {
    // MARK: - Implementations

    func url(_ name: String, _ ctx: CallContext) -> String { "\(publicEndpoint)/\(ctx.account)/\(name)" }

    func createQueue(_ input: CreateQueueRequest, _ ctx: CallContext) throws(SQSError) -> CreateQueueResult {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard (1...80).contains(input.queueName.count), input.queueName.allSatisfy(allowed.contains) else {
            throw .invalid("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
        let key = Key(region: ctx.region, name: input.queueName)
        let attributes = input.attributes ?? [:]
        try checkAttributes(attributes)
        if let existing = queues[key] {
            // Same name, different attributes: AWS refuses.
            for (k, v) in attributes where existing.attributes[k] != v {
                throw SQSError(code: .queueNameExists, message: "A queue already exists with the same name and a different value for attribute \(k)")
            }
        } else {
            queues[key] = Queue(name: input.queueName, arn: ctx.arn("sqs", input.queueName), created: ctx.now, attributes: attributes)
        }
        return CreateQueueResult(queueUrl: url(input.queueName, ctx))
    }

    func getQueueURL(_ input: GetQueueUrlRequest, _ ctx: CallContext) throws(SQSError) -> GetQueueUrlResult {
        guard queues[Key(region: ctx.region, name: input.queueName)] != nil else { throw .noQueue() }
        return GetQueueUrlResult(queueUrl: url(input.queueName, ctx))
    }

    func listQueues(_ input: ListQueuesRequest, _ ctx: CallContext) throws(SQSError) -> ListQueuesResult {
        let names = queues.keys.filter { $0.region == ctx.region && (input.queueNamePrefix.map($0.name.hasPrefix) ?? true) }.map(\.name).sorted()
        guard let page = Pagination.page(names, size: min(input.maxResults ?? 1000, 1000), token: input.nextToken) else {
            throw .invalid("Invalid NextToken value.")
        }
        return ListQueuesResult(queueUrls: page.items.map { url($0, ctx) }, nextToken: page.next)
    }

    func deleteQueue(_ input: DeleteQueueRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        queues[try key(forURL: input.queueUrl, ctx)] = nil
        return EmptyShape()
    }

    func purge(_ input: PurgeQueueRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        let k = try key(forURL: input.queueUrl, ctx)
        queues[k]?.messages = []
        return EmptyShape()
    }

    func send(_ input: SendMessageRequest, _ ctx: CallContext) throws(SQSError) -> SendMessageResult {
        let k = try key(forURL: input.queueUrl, ctx)
        guard !input.messageBody.isEmpty, input.messageBody.utf8.count <= 262_144 else {
            throw .invalid("One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.")
        }
        if let d = input.delaySeconds, !(0...900).contains(d) {
            throw .invalid("Value \(d) for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.")
        }
        guard let queue = queues[k] else { throw .noQueue() }
        let attributes = input.messageAttributes ?? [:]
        let message = QueuedMessage(
            id: ids.uuid(), body: input.messageBody, md5: Self.md5(Data(input.messageBody.utf8)), attributes: attributes,
            attributesMD5: attributes.isEmpty ? nil : Self.attributesMD5(attributes), sent: ctx.now, sender: ctx.caller.arn,
            visibleAt: ctx.now.addingTimeInterval(input.delaySeconds.map(TimeInterval.init) ?? queue.delay))
        queues[k]?.messages.append(message)
        return SendMessageResult(md5OfMessageBody: message.md5, md5OfMessageAttributes: message.attributesMD5, messageId: message.id)
    }

    func receive(_ input: ReceiveMessageRequest, _ ctx: CallContext) throws(SQSError) -> ReceiveMessageResult {
        let k = try key(forURL: input.queueUrl, ctx)
        let count = input.maxNumberOfMessages ?? 1
        guard (1...10).contains(count) else {
            throw .invalid("Value \(count) for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10, if provided.")
        }
        guard var queue = queues[k] else { throw .noQueue() }
        // Messages past their retention period are gone.
        let retention = queue.retention
        queue.messages.removeAll { ctx.now.timeIntervalSince($0.sent) > retention }
        let timeout = input.visibilityTimeout.map(TimeInterval.init) ?? queue.visibilityTimeout
        let wanted = Set((input.attributeNames ?? []) + (input.messageSystemAttributeNames ?? []))
        var received: [Message] = []
        for i in queue.messages.indices where received.count < count && queue.messages[i].visibleAt <= ctx.now {
            queue.messages[i].receiveCount += 1
            queue.messages[i].firstReceived = queue.messages[i].firstReceived ?? ctx.now
            queue.messages[i].visibleAt = ctx.now.addingTimeInterval(timeout)
            let receipt = ids.hex(32) + ids.hex(32)
            queue.messages[i].receipt = receipt
            let m = queue.messages[i]
            var attrs: [String: String] = [:]
            let all = wanted.contains("All")
            if all || wanted.contains("ApproximateReceiveCount") { attrs["ApproximateReceiveCount"] = String(m.receiveCount) }
            if all || wanted.contains("SentTimestamp") { attrs["SentTimestamp"] = String(Int64(m.sent.timeIntervalSince1970 * 1000)) }
            if all || wanted.contains("SenderId") { attrs["SenderId"] = m.sender }
            if all || wanted.contains("ApproximateFirstReceiveTimestamp") {
                attrs["ApproximateFirstReceiveTimestamp"] = String(Int64((m.firstReceived ?? ctx.now).timeIntervalSince1970 * 1000))
            }
            let names = Set(input.messageAttributeNames ?? [])
            let shown = names.contains("All") || names.contains(".*") ? m.attributes : m.attributes.filter { names.contains($0.key) }
            received.append(
                Message(
                    messageId: m.id, receiptHandle: receipt, md5OfBody: m.md5, body: m.body, attributes: attrs.isEmpty ? nil : attrs,
                    md5OfMessageAttributes: shown.isEmpty ? nil : Self.attributesMD5(shown), messageAttributes: shown.isEmpty ? nil : shown))
        }
        queues[k] = queue
        return ReceiveMessageResult(messages: received.isEmpty ? nil : received)
    }

    func deleteMessage(_ input: DeleteMessageRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        let k = try key(forURL: input.queueUrl, ctx)
        guard let i = queues[k]?.messages.firstIndex(where: { $0.receipt == input.receiptHandle }) else {
            throw SQSError(code: .receiptHandleIsInvalid, message: "The input receipt handle \"\(input.receiptHandle)\" is not a valid receipt handle.")
        }
        queues[k]?.messages.remove(at: i)
        return EmptyShape()
    }

    func attributes(_ input: GetQueueAttributesRequest, _ ctx: CallContext) throws(SQSError) -> GetQueueAttributesResult {
        let k = try key(forURL: input.queueUrl, ctx)
        guard let q = queues[k] else { throw .noQueue() }
        var all = q.attributes
        all["QueueArn"] = q.arn.description
        all["ApproximateNumberOfMessages"] = String(q.messages.filter { $0.visibleAt <= ctx.now }.count)
        all["ApproximateNumberOfMessagesNotVisible"] = String(q.messages.filter { $0.visibleAt > ctx.now && $0.receiveCount > 0 }.count)
        all["ApproximateNumberOfMessagesDelayed"] = String(q.messages.filter { $0.visibleAt > ctx.now && $0.receiveCount == 0 }.count)
        all["CreatedTimestamp"] = String(Int64(q.created.timeIntervalSince1970))
        all["VisibilityTimeout"] = all["VisibilityTimeout"] ?? "30"
        all["MessageRetentionPeriod"] = all["MessageRetentionPeriod"] ?? "345600"
        all["DelaySeconds"] = all["DelaySeconds"] ?? "0"
        let names = input.attributeNames ?? ["All"]
        return GetQueueAttributesResult(attributes: names.contains("All") ? all : all.filter { names.contains($0.key) })
    }

    static func md5(_ data: Data) -> String { Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// SQS's digest of message attributes: each, by name, as length-prefixed name, type and
    /// value with a transport byte (1 string/number, 2 binary).
    static func attributesMD5(_ attributes: [String: MessageAttributeValue]) -> String {
        var bytes = Data()
        func field(_ d: Data) {
            var n = UInt32(d.count).bigEndian
            bytes.append(Data(bytes: &n, count: 4))
            bytes.append(d)
        }
        for name in attributes.keys.sorted() {
            guard let v = attributes[name] else { continue }
            field(Data(name.utf8))
            field(Data(v.dataType.utf8))
            if let b = v.binaryValue {
                bytes.append(2)
                field(b)
            } else {
                bytes.append(1)
                field(Data((v.stringValue ?? "").utf8))
            }
        }
        return md5(bytes)
    }
}
