import CloudCafeCore
import Crypto
import Foundation
import SQSAPI

extension SQS {
    // MARK: - Implementations

    func url(_ name: String, _ ctx: CallContext) -> String { "\(publicEndpoint)/\(ctx.account)/\(name)" }

    func createQueue(_ input: CreateQueueRequest, _ ctx: CallContext) throws(SQSError) -> CreateQueueResult {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        let fifo = input.queueName.hasSuffix(".fifo")
        let stem = fifo ? String(input.queueName.dropLast(5)) : input.queueName
        guard (1...80).contains(input.queueName.count), !stem.isEmpty, stem.allSatisfy(allowed.contains) else {
            throw .invalid("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
        // A FIFO queue is named `….fifo` and created with FifoQueue true; neither goes without the other.
        guard fifo == (input.attributes?["FifoQueue"] == "true") else {
            throw .invalid(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
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

    static func md5(_ data: Data) -> String { Digits.hex(Insecure.MD5.hash(data: data)) }

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
