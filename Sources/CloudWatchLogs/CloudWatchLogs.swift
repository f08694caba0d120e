import CloudCafeCore
import Foundation

/// CloudWatch Logs: log groups, their streams and events, kept in memory per region.
public actor CloudWatchLogs {
    struct GroupKey: Hashable {
        let region: String
        let name: String
    }

    var groups: [GroupKey: LogGroup] = [:]

    public init() {}

    func group(_ name: String, _ ctx: CallContext) throws(LogsError) -> LogGroup {
        guard let group = groups[GroupKey(region: ctx.region, name: name)] else { throw .groupNotFound() }
        return group
    }

    /// Runs `body` on a stream in place. The group and stream are taken out of their
    /// dictionaries while `body` runs, so appending never copies a stream's events.
    func modifyStream<T>(_ group: String, _ stream: String, _ ctx: CallContext, _ body: (inout LogStream) throws(LogsError) -> T) throws(LogsError) -> T {
        let key = GroupKey(region: ctx.region, name: group)
        guard var g = groups.removeValue(forKey: key) else { throw .groupNotFound() }
        defer { groups[key] = g }
        guard var s = g.streams.removeValue(forKey: stream) else { throw .streamNotFound() }
        defer { g.streams[stream] = s }
        return try body(&s)
    }

    /// Forgets every group (admin reset).
    public func reset() { groups = [:] }
}

/// A log group and its streams.
struct LogGroup: Sendable {
    let name: String
    let arn: ARN
    let creationTime: Int64
    var retentionInDays: Int?
    var streams: [String: LogStream] = [:]
}

/// A log stream: events in the order they were put.
struct LogStream: Sendable {
    let name: String
    let creationTime: Int64
    var events: [StoredEvent] = []
    var lastIngestionTime: Int64?
}

/// One stored event with the time it arrived.
struct StoredEvent: Sendable {
    let timestamp: Int64
    let message: String
    let ingestionTime: Int64
}

extension Date {
    /// Milliseconds since the Unix epoch, as CloudWatch Logs counts time.
    var epochMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
