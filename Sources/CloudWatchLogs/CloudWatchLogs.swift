public import CloudCafeCore
import CloudWatchLogsAPI
public import Foundation

/// CloudWatch Logs: log groups, their streams and events, kept in memory per region.
public actor CloudWatchLogs {
    struct GroupKey: Hashable, Codable {
        let region: String
        let name: String
    }

    var groups: [GroupKey: StoredLogGroup] = [:]
    let dispatcher: Dispatcher
    /// Events a stream keeps in memory: at most a million (past it, its oldest tenth goes).
    static let streamEventLimit = 1_000_000
    /// What all events may take in memory together, counting each message's bytes and 64 for
    /// its bookkeeping (64 MiB unless told); past it, the largest streams lose their oldest events first.
    let storedBytesLimit: Int
    /// An upper estimate of the events' bytes (deletions do not lower it; a trim recounts).
    var storedBytesEstimate = 0

    public init(dispatcher: Dispatcher, storedBytesLimit: Int = 64 << 20) {
        self.dispatcher = dispatcher
        self.storedBytesLimit = storedBytesLimit
    }

    func group(_ name: String, _ ctx: CallContext) throws(LogsError) -> StoredLogGroup {
        guard let group = groups[GroupKey(region: ctx.region, name: name)] else { throw .groupNotFound() }
        return group
    }

    /// Runs `body` on a stream in place. The group and stream are taken out of their
    /// dictionaries while `body` runs, so appending never copies a stream's events.
    func modifyStream<T>(_ group: String, _ stream: String, _ ctx: CallContext, _ body: (inout StoredLogStream) throws(LogsError) -> T) throws(LogsError) -> T {
        let key = GroupKey(region: ctx.region, name: group)
        guard var g = groups.removeValue(forKey: key) else { throw .groupNotFound() }
        defer { groups[key] = g }
        guard var s = g.streams.removeValue(forKey: stream) else { throw .streamNotFound() }
        defer { g.streams[stream] = s }
        return try body(&s)
    }

    /// Forgets every group (admin reset).
    public func reset() {
        groups = [:]
        storedBytesEstimate = 0
    }

    /// What an event is counted as against `storedBytesLimit`.
    static func storedBytes(message: String) -> Int { message.utf8.count + 64 }
    static func storedBytes(_ e: StoredEvent) -> Int { storedBytes(message: e.message) }

    /// Brings the events' memory under nine tenths of `storedBytesLimit`, taking the oldest
    /// quarter of the largest stream at a time, so quiet streams keep their history.
    func trimToBudget() {
        var sizes: [(group: GroupKey, stream: String, bytes: Int)] = []
        var total = 0
        for (key, g) in groups {
            for (name, s) in g.streams {
                let bytes = s.events.reduce(0) { $0 + Self.storedBytes($1) }
                sizes.append((key, name, bytes))
                total += bytes
            }
        }
        let target = storedBytesLimit / 10 * 9
        while total > target, let largest = sizes.indices.max(by: { sizes[$0].bytes < sizes[$1].bytes }), sizes[largest].bytes > 0 {
            let (key, name, _) = sizes[largest]
            guard var g = groups.removeValue(forKey: key) else { break }
            guard var s = g.streams.removeValue(forKey: name) else {
                groups[key] = g
                break
            }
            let drop = max(1, s.events.count / 4)
            let dropped = s.events[..<drop].reduce(0) { $0 + Self.storedBytes($1) }
            s.events.removeFirst(drop)
            g.streams[name] = s
            groups[key] = g
            sizes[largest].bytes -= dropped
            total -= dropped
        }
        storedBytesEstimate = total
    }
}

extension CloudWatchLogs: AWSService {
    /// CloudWatch Logs over JSON 1.1; constraint failures are `InvalidParameterException`.
    public nonisolated var declarations: [ServiceDeclaration] {
        let group: @Sendable (String, CallContext) -> String = { name, ctx in ctx.arn("logs", "log-group:\(name)").description }
        let stream: @Sendable (String?, String, CallContext) -> String = { g, s, ctx in
            ctx.arn("logs", "log-group:\(g ?? "*"):log-stream:\(s)").description
        }
        return [
            ServiceDeclaration(
                model: CloudWatchLogsOperations.service, validationErrorCode: "InvalidParameterException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 400), calls: ["lambda"],
                operations: [
                    implement(CloudWatchLogsOperations.createLogGroup, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.createLogGroup($1, $2)
                    },
                    implement(CloudWatchLogsOperations.createLogStream, resource: { i, c in stream(i.logGroupName, i.logStreamName, c) }) {
                        try await $0.createLogStream($1, $2)
                    },
                    implement(CloudWatchLogsOperations.putLogEvents, resource: { i, c in stream(i.logGroupName, i.logStreamName, c) }) {
                        try await $0.putLogEvents($1, $2)
                    },
                    implement(CloudWatchLogsOperations.getLogEvents, resource: { i, c in stream(i.logGroupName, i.logStreamName, c) }) {
                        try await $0.getLogEvents($1, $2)
                    },
                    implement(CloudWatchLogsOperations.describeLogStreams, resource: { i, c in group("\(i.logGroupName ?? "*"):*", c) }) {
                        try await $0.describeLogStreams($1, $2)
                    },
                    implement(CloudWatchLogsOperations.describeLogGroups, resource: { _, c in group("*", c) }) { try await $0.describeLogGroups($1, $2) },
                    implement(CloudWatchLogsOperations.deleteLogGroup, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.deleteLogGroup($1, $2)
                    },
                    implement(CloudWatchLogsOperations.deleteLogStream, resource: { i, c in stream(i.logGroupName, i.logStreamName, c) }) {
                        try await $0.deleteLogStream($1, $2)
                    },
                    implement(CloudWatchLogsOperations.putRetentionPolicy, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.setRetention($1.logGroupName, $1.retentionInDays, $2)
                    },
                    implement(CloudWatchLogsOperations.deleteRetentionPolicy, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.setRetention($1.logGroupName, nil, $2)
                    },
                    implement(CloudWatchLogsOperations.filterLogEvents, resource: { i, c in group(i.logGroupName ?? i.logGroupIdentifier ?? "*", c) }) {
                        try await $0.filterLogEvents($1, $2)
                    },
                    implement(CloudWatchLogsOperations.testMetricFilter) { logs, i, _ in try await logs.testMetricFilter(i) },
                    implement(CloudWatchLogsOperations.putMetricFilter, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.putMetricFilter($1, $2)
                    },
                    implement(CloudWatchLogsOperations.describeMetricFilters, resource: { i, c in group(i.logGroupName ?? "*", c) }) {
                        try await $0.describeMetricFilters($1, $2)
                    },
                    implement(CloudWatchLogsOperations.deleteMetricFilter, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.deleteMetricFilter($1, $2)
                    },
                    implement(CloudWatchLogsOperations.putSubscriptionFilter, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.putSubscriptionFilter($1, $2)
                    },
                    implement(CloudWatchLogsOperations.describeSubscriptionFilters, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.describeSubscriptionFilters($1, $2)
                    },
                    implement(CloudWatchLogsOperations.deleteSubscriptionFilter, resource: { i, c in group(i.logGroupName, c) }) {
                        try await $0.deleteSubscriptionFilter($1, $2)
                    },
                ])
        ]
    }
}

/// A log group and its streams.
struct StoredLogGroup: Sendable, Codable {
    let name: String
    let arn: ARN
    let creationTime: Int
    var retentionInDays: Int?
    var streams: [String: StoredLogStream] = [:]
    var metricFilters: [String: StoredMetricFilter] = [:]
    /// The next event's ingestion sequence.
    var nextSequence = 0
    var subscriptionFilters: [String: StoredSubscriptionFilter] = [:]
}

/// A log stream: events in the order they were put.
struct StoredLogStream: Sendable, Codable {
    let name: String
    let creationTime: Int
    var events: [StoredEvent] = []
    var lastIngestionTime: Int?
}

/// One stored event with the time it arrived.
struct StoredEvent: Sendable, Codable {
    let timestamp: Int
    let message: String
    let ingestionTime: Int
    /// The order it was put in, across the group: events with equal timestamps come back in
    /// it, and it makes the event's id stable whatever retention removes.
    var sequence = 0
}


extension CloudWatchLogs: StatefulService {
    struct State: Sendable, Codable {
        let groups: [GroupKey: StoredLogGroup]
        let storedBytesEstimate: Int
    }

    public nonisolated var stateName: String { "logs" }
    public func captureState() -> any Sendable { State(groups: groups, storedBytesEstimate: storedBytesEstimate) }

    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (groups, storedBytesEstimate) = (s.groups, s.storedBytesEstimate)
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }
}
