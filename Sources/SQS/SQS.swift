public import CloudCafeCore
public import Foundation
public import SQSAPI

/// SQS: standard queues in memory, visibility on the virtual clock. CloudCafe needs them as
/// dead-letter queues (EventBridge Scheduler) and clients may use them directly.
public actor SQS {
    struct Key: Hashable, Codable {
        let region: String
        let name: String
    }

    var queues: [Key: Queue] = [:]
    let dispatcher: Dispatcher
    var ids: IDGenerator { dispatcher.ids }
    /// Receives waiting for a message (long polling), by queue.
    var waiters: [Key: [String: CheckedContinuation<Void, Never>]] = [:]
    /// The daemon's own address, which queue URLs name.
    let publicEndpoint: String
    /// Why a queue policy is malformed, or nil; IAM's parser, so SQS need not import IAM.
    let policyCheck: @Sendable (String) -> String?

    public init(
        dispatcher: Dispatcher, publicEndpoint: String = "http://127.0.0.1:4566", policyCheck: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.dispatcher = dispatcher
        self.publicEndpoint = publicEndpoint
        self.policyCheck = policyCheck
    }

    /// Forgets every queue (admin reset).
    public func reset() { queues = [:] }

    /// The queue a URL names (`…/<account>/<name>`, whatever the host), in the call's region.
    func key(forURL url: String, _ ctx: CallContext) throws(SQSError) -> Key {
        let parts = url.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == Substring(ctx.account) else { throw .noQueue() }
        let key = Key(region: ctx.region, name: String(parts[parts.count - 1]))
        guard queues[key] != nil else { throw .noQueue() }
        return key
    }
}

extension SQS: AWSService {
    /// SQS over JSON 1.0 (botocore's current protocol for it).
    public nonisolated var declarations: [ServiceDeclaration] {
        let queue: @Sendable (String, CallContext) -> String = { url, ctx in Self.arn(forURL: url, ctx) }
        return [
            ServiceDeclaration(
                model: SQSOperations.service, queryModel: SQSOperations.queryService, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 400),
                unenforced: ["ReceiveMessageRequest.AttributeNames"],
                agenda: [
                    AgendaKind(Self.waitKind, priority: 2) { [self] item in
                        if let w = try? item.payload(as: Wait.self) { await wake(w.key, w.id) }
                        return nil
                    }
                ],
                operations: [
                    implement(SQSOperations.createQueue, resource: { i, c in c.arn("sqs", i.queueName).description }) { try await $0.createQueue($1, $2) },
                    implement(SQSOperations.getQueueUrl, resource: { i, c in c.arn("sqs", i.queueName).description }) { try await $0.getQueueURL($1, $2) },
                    implement(SQSOperations.listQueues) { try await $0.listQueues($1, $2) },
                    implement(SQSOperations.deleteQueue, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.deleteQueue($1, $2) },
                    implement(SQSOperations.purgeQueue, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.purge($1, $2) },
                    implement(
                        SQSOperations.sendMessage, resource: { i, c in queue(i.queueUrl, c) },
                        resourcePolicy: { sqs, i, c in await sqs.policy(forURL: i.queueUrl, c) }
                    ) { try await $0.send($1, $2) },
                    implement(SQSOperations.setQueueAttributes, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.setAttributes($1, $2) },
                    implement(
                        SQSOperations.sendMessageBatch, action: "sqs:SendMessage", resource: { i, c in queue(i.queueUrl, c) },
                        resourcePolicy: { sqs, i, c in await sqs.policy(forURL: i.queueUrl, c) }
                    ) { try await $0.sendBatch($1, $2) },
                    implement(SQSOperations.deleteMessageBatch, action: "sqs:DeleteMessage", resource: { i, c in queue(i.queueUrl, c) }) {
                        try await $0.deleteBatch($1, $2)
                    },
                    implement(SQSOperations.changeMessageVisibility, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.changeVisibility($1, $2) },
                    implement(SQSOperations.changeMessageVisibilityBatch, action: "sqs:ChangeMessageVisibility", resource: { i, c in queue(i.queueUrl, c) }) {
                        try await $0.changeVisibilityBatch($1, $2)
                    },
                    implement(SQSOperations.receiveMessage, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.receive($1, $2) },
                    implement(SQSOperations.deleteMessage, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.deleteMessage($1, $2) },
                    implement(SQSOperations.getQueueAttributes, resource: { i, c in queue(i.queueUrl, c) }) { try await $0.attributes($1, $2) },
                ])
        ]
    }

    /// The ARN of the queue a URL names.
    static func arn(forURL url: String, _ c: CallContext) -> String {
        let name = url.split(separator: "/").last.map(String.init) ?? url
        return c.arn("sqs", name).description
    }
}

/// A queue and its messages.
struct Queue: Sendable, Codable {
    let name: String
    let arn: ARN
    let created: Date
    var attributes: [String: String]
    var messages: [QueuedMessage] = []
    var visibilityTimeout: TimeInterval { TimeInterval(attributes["VisibilityTimeout"].flatMap { Int($0) } ?? 30) }
    var retention: TimeInterval { TimeInterval(attributes["MessageRetentionPeriod"].flatMap { Int($0) } ?? 345_600) }
    var delay: TimeInterval { TimeInterval(attributes["DelaySeconds"].flatMap { Int($0) } ?? 0) }
    var waitTime: Int { attributes["ReceiveMessageWaitTimeSeconds"].flatMap { Int($0) } ?? 0 }
    var isFIFO: Bool { attributes["FifoQueue"] == "true" }
    /// FIFO: deduplication ids seen in the last five minutes, with the message id they answered.
    var recentIDs: [String: DeduplicationRecord] = [:]
    var sequence: UInt64 = 0
}

/// A message in a queue.
struct QueuedMessage: Sendable, Codable {
    let id: String
    let body: String
    let md5: String
    let attributes: [String: MessageAttributeValue]
    let attributesMD5: String?
    let sent: Date
    let sender: String
    var visibleAt: Date
    var receiveCount = 0
    var firstReceived: Date?
    var receipt: String?
    var groupID: String?
    var deduplicationID: String?
    var sequenceNumber: String?
}

/// SQS errors (JSON 1.0).
public struct SQSError: AWSServiceError {
    /// The codes the model declares (generated), and the few AWS sends that it does not.
    public typealias Code = SQSErrorCode

    public let code: Code
    public let message: String
    public var errorCode: String { code.rawValue }
    public var httpStatus: Int { code.httpStatus }
    public var queryCompatibleCode: String? { code.queryCode }

    static func noQueue() -> Self { .init(code: .queueDoesNotExist, message: "The specified queue does not exist.") }
    static func invalid(_ message: String) -> Self { .init(code: .invalidParameterValue, message: message) }
}

extension SQS: StatefulService {
    public nonisolated var stateName: String { "sqs" }
    public func captureState() -> any Sendable { queues }

    /// Long polls waiting now wake and look at the queues put back.
    public func restoreState(_ state: any Sendable) {
        guard let q = state as? [Key: Queue] else { return }
        queues = q
        for waiting in waiters.values { for continuation in waiting.values { continuation.resume() } }
        waiters = [:]
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: [Key: Queue].self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: [Key: Queue].self) }
}
