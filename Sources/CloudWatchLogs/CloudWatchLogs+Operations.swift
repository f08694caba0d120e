public import CloudCafeCore
import Foundation

// MARK: - Shapes (AWS member names; botocore logs 2014-03-28)

/// CreateLogGroup input.
public struct CreateLogGroupInput: Sendable, Codable {
    public var logGroupName: String
    public init(logGroupName: String) { self.logGroupName = logGroupName }
}

/// CreateLogStream input.
public struct CreateLogStreamInput: Sendable, Codable {
    public var logGroupName: String
    public var logStreamName: String
    public init(logGroupName: String, logStreamName: String) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
    }
}

/// One event as a client sends it.
public struct InputLogEvent: Sendable, Codable {
    public var timestamp: Int64
    public var message: String
    public init(timestamp: Int64, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// PutLogEvents input.
public struct PutLogEventsInput: Sendable, Codable {
    public var logGroupName: String
    public var logStreamName: String
    public var logEvents: [InputLogEvent]
    public init(logGroupName: String, logStreamName: String, logEvents: [InputLogEvent]) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.logEvents = logEvents
    }
}

/// PutLogEvents output.
public struct PutLogEventsOutput: Sendable, Codable {
    public var nextSequenceToken: String?
}

/// GetLogEvents input.
public struct GetLogEventsInput: Sendable, Codable {
    public var logGroupName: String
    public var logStreamName: String
    public var startFromHead: Bool?
    public var limit: Int?
    public var startTime: Int64?
    public var endTime: Int64?
    public var nextToken: String?
    public init(logGroupName: String, logStreamName: String, startFromHead: Bool? = true, limit: Int? = nil) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.startFromHead = startFromHead
        self.limit = limit
    }
}

/// One event as CloudWatch Logs returns it.
public struct OutputLogEvent: Sendable, Codable, Equatable {
    public var timestamp: Int64
    public var message: String
    public var ingestionTime: Int64
}

/// GetLogEvents output.
public struct GetLogEventsOutput: Sendable, Codable {
    public var events: [OutputLogEvent]
    public var nextForwardToken: String?
    public var nextBackwardToken: String?
}

/// DescribeLogStreams input.
public struct DescribeLogStreamsInput: Sendable, Codable {
    public var logGroupName: String
    public var logStreamNamePrefix: String?
    public var orderBy: String?
    public var descending: Bool?
    public var nextToken: String?
    public var limit: Int?
    public init(logGroupName: String, logStreamNamePrefix: String? = nil) {
        self.logGroupName = logGroupName
        self.logStreamNamePrefix = logStreamNamePrefix
    }
}

/// A stream as DescribeLogStreams lists it.
public struct LogStreamDescription: Sendable, Codable {
    public var logStreamName: String
    public var creationTime: Int64
    public var firstEventTimestamp: Int64?
    public var lastEventTimestamp: Int64?
    public var lastIngestionTime: Int64?
    public var arn: String
    public var storedBytes: Int64
}

/// DescribeLogStreams output.
public struct DescribeLogStreamsOutput: Sendable, Codable {
    public var logStreams: [LogStreamDescription]
    public var nextToken: String?
}

/// DescribeLogGroups input.
public struct DescribeLogGroupsInput: Sendable, Codable {
    public var logGroupNamePrefix: String?
    public var nextToken: String?
    public var limit: Int?
    public init(logGroupNamePrefix: String? = nil) { self.logGroupNamePrefix = logGroupNamePrefix }
}

/// A group as DescribeLogGroups lists it.
public struct LogGroupDescription: Sendable, Codable {
    public var logGroupName: String
    public var creationTime: Int64
    public var retentionInDays: Int?
    public var arn: String
    public var storedBytes: Int64
}

/// DescribeLogGroups output.
public struct DescribeLogGroupsOutput: Sendable, Codable {
    public var logGroups: [LogGroupDescription]
    public var nextToken: String?
}

/// An output with no members.
public struct LogsEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension CloudWatchLogs {
    /// CreateLogGroup.
    public static let createLogGroup = Operation<CloudWatchLogs, CreateLogGroupInput, LogsEmptyOutput>(
        name: "CreateLogGroup", action: "logs:CreateLogGroup",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName)").description }
    ) { logs, input, ctx in try await logs.createLogGroup(input, ctx) }

    /// CreateLogStream.
    public static let createLogStream = Operation<CloudWatchLogs, CreateLogStreamInput, LogsEmptyOutput>(
        name: "CreateLogStream", action: "logs:CreateLogStream",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName):log-stream:\(i.logStreamName)").description }
    ) { logs, input, ctx in try await logs.createLogStream(input, ctx) }

    /// PutLogEvents.
    public static let putLogEvents = Operation<CloudWatchLogs, PutLogEventsInput, PutLogEventsOutput>(
        name: "PutLogEvents", action: "logs:PutLogEvents",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName):log-stream:\(i.logStreamName)").description }
    ) { logs, input, ctx in try await logs.putLogEvents(input, ctx) }

    /// GetLogEvents.
    public static let getLogEvents = Operation<CloudWatchLogs, GetLogEventsInput, GetLogEventsOutput>(
        name: "GetLogEvents", action: "logs:GetLogEvents",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName):log-stream:\(i.logStreamName)").description }
    ) { logs, input, ctx in try await logs.getLogEvents(input, ctx) }

    /// DescribeLogStreams.
    public static let describeLogStreams = Operation<CloudWatchLogs, DescribeLogStreamsInput, DescribeLogStreamsOutput>(
        name: "DescribeLogStreams", action: "logs:DescribeLogStreams",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName):*").description }
    ) { logs, input, ctx in try await logs.describeLogStreams(input, ctx) }

    /// DescribeLogGroups.
    public static let describeLogGroups = Operation<CloudWatchLogs, DescribeLogGroupsInput, DescribeLogGroupsOutput>(
        name: "DescribeLogGroups", action: "logs:DescribeLogGroups",
        resource: { _, c in c.arn("logs", "log-group:*").description }
    ) { logs, input, ctx in try await logs.describeLogGroups(input, ctx) }

    // MARK: - Implementations

    func createLogGroup(_ input: CreateLogGroupInput, _ ctx: CallContext) throws(LogsError) -> LogsEmptyOutput {
        try Self.validateGroupName(input.logGroupName)
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard groups[key] == nil else { throw .groupExists() }
        groups[key] = LogGroup(
            name: input.logGroupName, arn: ctx.arn("logs", "log-group:\(input.logGroupName):*"),
            creationTime: ctx.now.epochMillis)
        return LogsEmptyOutput()
    }

    func createLogStream(_ input: CreateLogStreamInput, _ ctx: CallContext) throws(LogsError) -> LogsEmptyOutput {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard var group = groups[key] else { throw .groupNotFound() }
        guard (1...512).contains(input.logStreamName.count), !input.logStreamName.contains(":"), !input.logStreamName.contains("*") else {
            throw .invalid(
                "1 validation error detected: Value '\(input.logStreamName)' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"
            )
        }
        guard group.streams[input.logStreamName] == nil else { throw .streamExists() }
        group.streams[input.logStreamName] = LogStream(name: input.logStreamName, creationTime: ctx.now.epochMillis)
        groups[key] = group
        return LogsEmptyOutput()
    }

    func putLogEvents(_ input: PutLogEventsInput, _ ctx: CallContext) throws(LogsError) -> PutLogEventsOutput {
        guard (1...10_000).contains(input.logEvents.count) else {
            throw .invalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
        }
        // AWS rejects a batch whose events are not in chronological order.
        for (a, b) in zip(input.logEvents, input.logEvents.dropFirst()) where b.timestamp < a.timestamp {
            throw .invalid("Log events in a single PutLogEvents request must be in chronological order.")
        }
        let ingestion = ctx.now.epochMillis
        let cutoff = retentionCutoff(input.logGroupName, ctx)
        try modifyStream(input.logGroupName, input.logStreamName, ctx) { (stream: inout LogStream) throws(LogsError) in
            // Events past the group's retention are deleted, as CloudWatch Logs expires them.
            if let cutoff, let first = stream.events.first, first.timestamp < cutoff { stream.events.removeAll { $0.timestamp < cutoff } }
            stream.events.append(contentsOf: input.logEvents.map { StoredEvent(timestamp: $0.timestamp, message: $0.message, ingestionTime: ingestion) })
            stream.lastIngestionTime = ingestion
        }
        return PutLogEventsOutput(nextSequenceToken: nil)
    }

    /// Pages forward (`f/<index>`) or backward (`b/<index>`) through the stream's events in
    /// time order. Without a token, from the head or (AWS's default) the tail.
    func getLogEvents(_ input: GetLogEventsInput, _ ctx: CallContext) throws(LogsError) -> GetLogEventsOutput {
        let cutoff = retentionCutoff(input.logGroupName, ctx) ?? .min
        let events = try modifyStream(input.logGroupName, input.logStreamName, ctx) { (s: inout LogStream) throws(LogsError) in s.events }
            .filter { $0.timestamp >= cutoff }
        let limit = min(max(input.limit ?? 10_000, 1), 10_000)
        let sorted = events.enumerated()
            .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
            .filter { e in (input.startTime.map { e.timestamp >= $0 } ?? true) && (input.endTime.map { e.timestamp < $0 } ?? true) }
        var lower: Int
        var upper: Int
        if let token = input.nextToken {
            guard token.count > 2, let n = Int(token.dropFirst(2)), (0...sorted.count).contains(n), token.hasPrefix("f/") || token.hasPrefix("b/") else {
                throw .invalid("The specified nextToken is invalid.")
            }
            if token.hasPrefix("f/") {
                (lower, upper) = (n, min(sorted.count, n + limit))
            } else {
                (lower, upper) = (max(0, n - limit), n)
            }
        } else if input.startFromHead ?? false {
            (lower, upper) = (0, min(sorted.count, limit))
        } else {
            (lower, upper) = (max(0, sorted.count - limit), sorted.count)
        }
        let page = sorted[lower..<upper].map { OutputLogEvent(timestamp: $0.timestamp, message: $0.message, ingestionTime: $0.ingestionTime) }
        return GetLogEventsOutput(events: page, nextForwardToken: "f/\(upper)", nextBackwardToken: "b/\(lower)")
    }

    /// Pages with an opaque index token; `limit` is 1–50 as AWS allows.
    static func page<T>(_ items: [T], limit: Int?, token: String?) throws(LogsError) -> ([T], String?) {
        let size = limit ?? 50
        guard (1...50).contains(size) else {
            throw .invalid(
                "1 validation error detected: Value '\(size)' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
        }
        guard let page = Pagination.page(items, size: size, token: token) else { throw .invalid("The specified nextToken is invalid.") }
        return page
    }

    func describeLogStreams(_ input: DescribeLogStreamsInput, _ ctx: CallContext) throws(LogsError) -> DescribeLogStreamsOutput {
        let g = try group(input.logGroupName, ctx)
        let byTime = input.orderBy == "LastEventTime"
        guard input.orderBy.map({ ["LogStreamName", "LastEventTime"].contains($0) }) ?? true else {
            throw .invalid(
                "1 validation error detected: Value '\(input.orderBy ?? "")' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            )
        }
        if byTime && input.logStreamNamePrefix != nil { throw .invalid("Cannot order by LastEventTime with a logStreamNamePrefix.") }
        var streams = g.streams.values
            .filter { input.logStreamNamePrefix.map($0.name.hasPrefix) ?? true }
            .map { s in
                LogStreamDescription(
                    logStreamName: s.name, creationTime: s.creationTime,
                    firstEventTimestamp: s.events.map(\.timestamp).min(), lastEventTimestamp: s.events.map(\.timestamp).max(),
                    lastIngestionTime: s.lastIngestionTime,
                    arn: ctx.arn("logs", "log-group:\(g.name):log-stream:\(s.name)").description, storedBytes: 0)
            }
            .sorted {
                byTime ? ($0.lastEventTimestamp ?? 0, $0.logStreamName) < ($1.lastEventTimestamp ?? 0, $1.logStreamName) : $0.logStreamName < $1.logStreamName
            }
        if input.descending == true { streams.reverse() }
        let (page, next) = try Self.page(streams, limit: input.limit, token: input.nextToken)
        return DescribeLogStreamsOutput(logStreams: page, nextToken: next)
    }

    func describeLogGroups(_ input: DescribeLogGroupsInput, _ ctx: CallContext) throws(LogsError) -> DescribeLogGroupsOutput {
        let list = groups.values
            .filter { $0.arn.region == ctx.region && (input.logGroupNamePrefix.map($0.name.hasPrefix) ?? true) }
            .sorted { $0.name < $1.name }
            .map {
                LogGroupDescription(
                    logGroupName: $0.name, creationTime: $0.creationTime, retentionInDays: $0.retentionInDays, arn: $0.arn.description, storedBytes: 0)
            }
        let (page, next) = try Self.page(list, limit: input.limit, token: input.nextToken)
        return DescribeLogGroupsOutput(logGroups: page, nextToken: next)
    }

    /// The oldest timestamp a group keeps under its retention policy, on the virtual clock.
    func retentionCutoff(_ group: String, _ ctx: CallContext) -> Int64? {
        guard let days = groups[GroupKey(region: ctx.region, name: group)]?.retentionInDays else { return nil }
        return ctx.now.epochMillis - Int64(days) * 86_400_000
    }

    static func validateGroupName(_ name: String) throws(LogsError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/.#")
        guard (1...512).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .invalid(
                "1 validation error detected: Value '\(name)' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
            )
        }
    }
}
