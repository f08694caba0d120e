public import CloudCafeCore
import Crypto
public import Foundation

// MARK: - Shapes (botocore sqs 2012-11-05, JSON 1.0)

/// A message attribute.
public struct MessageAttributeValue: Sendable, Codable, Equatable {
    public var stringValue: String?
    public var binaryValue: Data?
    public var dataType: String
    enum CodingKeys: String, CodingKey { case stringValue = "StringValue", binaryValue = "BinaryValue", dataType = "DataType" }
    public init(stringValue: String?, dataType: String) {
        self.stringValue = stringValue
        self.binaryValue = nil
        self.dataType = dataType
    }
}

/// CreateQueue input.
public struct CreateQueueInput: Sendable, Codable {
    public var queueName: String
    public var attributes: [String: String]?
    enum CodingKeys: String, CodingKey { case queueName = "QueueName", attributes = "Attributes" }
}

/// A queue URL.
public struct QueueURLOutput: Sendable, Codable {
    public var queueUrl: String
    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

/// GetQueueUrl input.
public struct GetQueueURLInput: Sendable, Codable {
    public var queueName: String
    enum CodingKeys: String, CodingKey { case queueName = "QueueName" }
}

/// Input naming a queue.
public struct QueueInput: Sendable, Codable {
    public var queueUrl: String
    public var attributeNames: [String]?
    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl", attributeNames = "AttributeNames" }
}

/// ListQueues input.
public struct ListQueuesInput: Sendable, Codable {
    public var queueNamePrefix: String?
    public var nextToken: String?
    public var maxResults: Int?
    enum CodingKeys: String, CodingKey { case queueNamePrefix = "QueueNamePrefix", nextToken = "NextToken", maxResults = "MaxResults" }
}

/// ListQueues output.
public struct ListQueuesOutput: Sendable, Codable {
    public var queueUrls: [String]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case queueUrls = "QueueUrls", nextToken = "NextToken" }
}

/// SendMessage input.
public struct SendMessageInput: Sendable, Codable {
    public var queueUrl: String
    public var messageBody: String
    public var delaySeconds: Int?
    public var messageAttributes: [String: MessageAttributeValue]?
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl", messageBody = "MessageBody", delaySeconds = "DelaySeconds", messageAttributes = "MessageAttributes"
    }
    public init(queueUrl: String, messageBody: String, messageAttributes: [String: MessageAttributeValue]? = nil) {
        self.queueUrl = queueUrl
        self.messageBody = messageBody
        self.messageAttributes = messageAttributes
    }
}

/// SendMessage output.
public struct SendMessageOutput: Sendable, Codable {
    public var messageId: String
    public var md5OfMessageBody: String
    public var md5OfMessageAttributes: String?
    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId", md5OfMessageBody = "MD5OfMessageBody", md5OfMessageAttributes = "MD5OfMessageAttributes"
    }
}

/// ReceiveMessage input.
public struct ReceiveMessageInput: Sendable, Codable {
    public var queueUrl: String
    public var maxNumberOfMessages: Int?
    public var visibilityTimeout: Int?
    public var waitTimeSeconds: Int?
    public var attributeNames: [String]?
    public var messageSystemAttributeNames: [String]?
    public var messageAttributeNames: [String]?
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl", maxNumberOfMessages = "MaxNumberOfMessages", visibilityTimeout = "VisibilityTimeout", waitTimeSeconds = "WaitTimeSeconds"
        case attributeNames = "AttributeNames", messageSystemAttributeNames = "MessageSystemAttributeNames", messageAttributeNames = "MessageAttributeNames"
    }
}

/// A received message.
public struct ReceivedMessage: Sendable, Codable {
    public var messageId: String
    public var receiptHandle: String
    public var md5OfBody: String
    public var body: String
    public var attributes: [String: String]?
    public var md5OfMessageAttributes: String?
    public var messageAttributes: [String: MessageAttributeValue]?
    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId", receiptHandle = "ReceiptHandle", md5OfBody = "MD5OfBody", body = "Body", attributes = "Attributes"
        case md5OfMessageAttributes = "MD5OfMessageAttributes", messageAttributes = "MessageAttributes"
    }
}

/// ReceiveMessage output.
public struct ReceiveMessageOutput: Sendable, Codable {
    /// Absent when no message is available, as SQS answers.
    public var messages: [ReceivedMessage]?
    enum CodingKeys: String, CodingKey { case messages = "Messages" }
}

/// DeleteMessage input.
public struct DeleteMessageInput: Sendable, Codable {
    public var queueUrl: String
    public var receiptHandle: String
    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl", receiptHandle = "ReceiptHandle" }
}

/// GetQueueAttributes output.
public struct QueueAttributesOutput: Sendable, Codable {
    public var attributes: [String: String]
    enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
}

/// An output with no members.
public struct SQSEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension SQS {
    static func arn(forURL url: String, _ c: CallContext) -> String {
        c.arn("sqs", String(url.split(separator: "/").last ?? "")).description
    }

    /// CreateQueue.
    public static let createQueue = Operation<SQS, CreateQueueInput, QueueURLOutput>(
        name: "CreateQueue", action: "sqs:CreateQueue", resource: { i, c in c.arn("sqs", i.queueName).description }
    ) { sqs, input, ctx in try await sqs.createQueue(input, ctx) }

    /// GetQueueUrl.
    public static let getQueueUrl = Operation<SQS, GetQueueURLInput, QueueURLOutput>(
        name: "GetQueueUrl", action: "sqs:GetQueueUrl", resource: { i, c in c.arn("sqs", i.queueName).description }
    ) { sqs, input, ctx in try await sqs.getQueueURL(input, ctx) }

    /// ListQueues.
    public static let listQueues = Operation<SQS, ListQueuesInput, ListQueuesOutput>(name: "ListQueues", action: "sqs:ListQueues") { sqs, input, ctx in
        try await sqs.listQueues(input, ctx)
    }

    /// DeleteQueue.
    public static let deleteQueue = Operation<SQS, QueueInput, SQSEmptyOutput>(
        name: "DeleteQueue", action: "sqs:DeleteQueue", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.deleteQueue(input, ctx) }

    /// PurgeQueue.
    public static let purgeQueue = Operation<SQS, QueueInput, SQSEmptyOutput>(
        name: "PurgeQueue", action: "sqs:PurgeQueue", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.purge(input, ctx) }

    /// SendMessage.
    public static let sendMessage = Operation<SQS, SendMessageInput, SendMessageOutput>(
        name: "SendMessage", action: "sqs:SendMessage", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.send(input, ctx) }

    /// ReceiveMessage.
    public static let receiveMessage = Operation<SQS, ReceiveMessageInput, ReceiveMessageOutput>(
        name: "ReceiveMessage", action: "sqs:ReceiveMessage", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.receive(input, ctx) }

    /// DeleteMessage.
    public static let deleteMessage = Operation<SQS, DeleteMessageInput, SQSEmptyOutput>(
        name: "DeleteMessage", action: "sqs:DeleteMessage", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.deleteMessage(input, ctx) }

    /// GetQueueAttributes.
    public static let getQueueAttributes = Operation<SQS, QueueInput, QueueAttributesOutput>(
        name: "GetQueueAttributes", action: "sqs:GetQueueAttributes", resource: { i, c in arn(forURL: i.queueUrl, c) }
    ) { sqs, input, ctx in try await sqs.attributes(input, ctx) }

    // MARK: - Implementations

    func url(_ name: String, _ ctx: CallContext) -> String { "\(publicEndpoint)/\(ctx.account)/\(name)" }

    func createQueue(_ input: CreateQueueInput, _ ctx: CallContext) throws(SQSError) -> QueueURLOutput {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard (1...80).contains(input.queueName.count), input.queueName.allSatisfy(allowed.contains) else {
            throw .invalid("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
        let key = Key(region: ctx.region, name: input.queueName)
        let attributes = input.attributes ?? [:]
        if let existing = queues[key] {
            // Same name, different attributes: AWS refuses.
            for (k, v) in attributes where existing.attributes[k] != v {
                throw SQSError(errorCode: "QueueAlreadyExists", message: "A queue already exists with the same name and a different value for attribute \(k)")
            }
        } else {
            queues[key] = Queue(name: input.queueName, arn: ctx.arn("sqs", input.queueName), created: ctx.now, attributes: attributes)
        }
        return QueueURLOutput(queueUrl: url(input.queueName, ctx))
    }

    func getQueueURL(_ input: GetQueueURLInput, _ ctx: CallContext) throws(SQSError) -> QueueURLOutput {
        guard queues[Key(region: ctx.region, name: input.queueName)] != nil else { throw .noQueue() }
        return QueueURLOutput(queueUrl: url(input.queueName, ctx))
    }

    func listQueues(_ input: ListQueuesInput, _ ctx: CallContext) throws(SQSError) -> ListQueuesOutput {
        let names = queues.keys.filter { $0.region == ctx.region && (input.queueNamePrefix.map($0.name.hasPrefix) ?? true) }.map(\.name).sorted()
        guard let page = Pagination.page(names, size: min(input.maxResults ?? 1000, 1000), token: input.nextToken) else {
            throw .invalid("Invalid NextToken value.")
        }
        return ListQueuesOutput(queueUrls: page.items.map { url($0, ctx) }, nextToken: page.next)
    }

    func deleteQueue(_ input: QueueInput, _ ctx: CallContext) throws(SQSError) -> SQSEmptyOutput {
        queues[try key(forURL: input.queueUrl, ctx)] = nil
        return SQSEmptyOutput()
    }

    func purge(_ input: QueueInput, _ ctx: CallContext) throws(SQSError) -> SQSEmptyOutput {
        let k = try key(forURL: input.queueUrl, ctx)
        queues[k]?.messages = []
        return SQSEmptyOutput()
    }

    func send(_ input: SendMessageInput, _ ctx: CallContext) throws(SQSError) -> SendMessageOutput {
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
        return SendMessageOutput(messageId: message.id, md5OfMessageBody: message.md5, md5OfMessageAttributes: message.attributesMD5)
    }

    func receive(_ input: ReceiveMessageInput, _ ctx: CallContext) throws(SQSError) -> ReceiveMessageOutput {
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
        var received: [ReceivedMessage] = []
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
                ReceivedMessage(
                    messageId: m.id, receiptHandle: receipt, md5OfBody: m.md5, body: m.body, attributes: attrs.isEmpty ? nil : attrs,
                    md5OfMessageAttributes: shown.isEmpty ? nil : Self.attributesMD5(shown), messageAttributes: shown.isEmpty ? nil : shown))
        }
        queues[k] = queue
        return ReceiveMessageOutput(messages: received.isEmpty ? nil : received)
    }

    func deleteMessage(_ input: DeleteMessageInput, _ ctx: CallContext) throws(SQSError) -> SQSEmptyOutput {
        let k = try key(forURL: input.queueUrl, ctx)
        guard let i = queues[k]?.messages.firstIndex(where: { $0.receipt == input.receiptHandle }) else {
            throw SQSError(errorCode: "ReceiptHandleIsInvalid", message: "The input receipt handle \"\(input.receiptHandle)\" is not a valid receipt handle.")
        }
        queues[k]?.messages.remove(at: i)
        return SQSEmptyOutput()
    }

    func attributes(_ input: QueueInput, _ ctx: CallContext) throws(SQSError) -> QueueAttributesOutput {
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
        return QueueAttributesOutput(attributes: names.contains("All") ? all : all.filter { names.contains($0.key) })
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
