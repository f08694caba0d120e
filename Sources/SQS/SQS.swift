public import CloudCafeCore
import Foundation

/// SQS: standard queues in memory, visibility on the virtual clock. CloudCafe needs them as
/// dead-letter queues (EventBridge Scheduler) and clients may use them directly.
public actor SQS {
    struct Key: Hashable {
        let region: String
        let name: String
    }

    var queues: [Key: Queue] = [:]
    let ids: IDGenerator
    /// The daemon's own address, which queue URLs name.
    var publicEndpoint = "http://127.0.0.1:4566"

    public init(ids: IDGenerator) { self.ids = ids }

    /// Sets the daemon's address once its port is bound.
    public func setPublicEndpoint(_ url: String) { publicEndpoint = url }

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

/// A queue and its messages.
struct Queue: Sendable {
    let name: String
    let arn: ARN
    let created: Date
    var attributes: [String: String]
    var messages: [QueuedMessage] = []
    var visibilityTimeout: TimeInterval { TimeInterval(attributes["VisibilityTimeout"].flatMap { Int($0) } ?? 30) }
    var retention: TimeInterval { TimeInterval(attributes["MessageRetentionPeriod"].flatMap { Int($0) } ?? 345_600) }
    var delay: TimeInterval { TimeInterval(attributes["DelaySeconds"].flatMap { Int($0) } ?? 0) }
}

/// A message in a queue.
struct QueuedMessage: Sendable {
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
}

/// SQS errors (JSON 1.0).
public struct SQSError: AWSServiceError {
    public let errorCode: String
    public let message: String
    public var httpStatus: Int { 400 }

    static func noQueue() -> Self { .init(errorCode: "QueueDoesNotExist", message: "The specified queue does not exist.") }
    static func invalid(_ message: String) -> Self { .init(errorCode: "InvalidParameterValue", message: message) }
}
