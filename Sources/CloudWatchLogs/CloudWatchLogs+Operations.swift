import CloudCafeCore
import CloudWatchLogsAPI
import Foundation

extension CloudWatchLogs {
    // MARK: - Implementations

    func createLogGroup(_ input: CreateLogGroupRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard groups[key] == nil else { throw .groupExists() }
        groups[key] = StoredLogGroup(
            name: input.logGroupName, arn: ctx.arn("logs", "log-group:\(input.logGroupName):*"),
            creationTime: ctx.now.epochMillis)
        return EmptyShape()
    }

    func createLogStream(_ input: CreateLogStreamRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard var group = groups[key] else { throw .groupNotFound() }
        guard group.streams[input.logStreamName] == nil else { throw .streamExists() }
        group.streams[input.logStreamName] = StoredLogStream(name: input.logStreamName, creationTime: ctx.now.epochMillis)
        groups[key] = group
        return EmptyShape()
    }

    func putLogEvents(_ input: PutLogEventsRequest, _ ctx: CallContext) throws(LogsError) -> PutLogEventsResponse {
        // AWS rejects a batch whose events are not in chronological order.
        for (a, b) in zip(input.logEvents, input.logEvents.dropFirst()) where b.timestamp < a.timestamp {
            throw .invalid("Log events in a single PutLogEvents request must be in chronological order.")
        }
        // A batch is at most 1,048,576 bytes, counting 26 bytes for each event.
        let bytes = input.logEvents.reduce(0) { $0 + $1.message.utf8.count + 26 }
        guard bytes <= 1_048_576 else { throw .invalid("Upload too large: \(bytes) bytes exceeds limit of 1048576") }
        let ingestion = ctx.now.epochMillis
        // Events too far in the past or the future are refused one by one, not as an error.
        let tooOld = ingestion - 14 * 86_400_000
        let tooNew = ingestion + 2 * 3_600_000
        let cutoffTime = retentionCutoff(input.logGroupName, ctx)
        var rejected = RejectedLogEventsInfo()
        var accepted: [InputLogEvent] = []
        for (i, e) in input.logEvents.enumerated() {
            if e.timestamp < tooOld {
                rejected.tooOldLogEventEndIndex = i
            } else if let cutoffTime, e.timestamp < cutoffTime {
                rejected.expiredLogEventEndIndex = i
            } else if e.timestamp > tooNew {
                if rejected.tooNewLogEventStartIndex == nil { rejected.tooNewLogEventStartIndex = i }
            } else {
                accepted.append(e)
            }
        }
        // The events kept may span at most a day.
        if let first = accepted.first, let last = accepted.last, last.timestamp - first.timestamp > 86_400_000 {
            throw .invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        }
        let cutoff = retentionCutoff(input.logGroupName, ctx)
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        let first = groups[key]?.nextSequence ?? 0
        try modifyStream(input.logGroupName, input.logStreamName, ctx) { (stream: inout StoredLogStream) throws(LogsError) in
            // Events past the group's retention are deleted, as CloudWatch Logs expires them.
            if let cutoff, let first = stream.events.first, first.timestamp < cutoff { stream.events.removeAll { $0.timestamp < cutoff } }
            stream.events.append(
                contentsOf: accepted.enumerated().map {
                    StoredEvent(timestamp: $1.timestamp, message: $1.message, ingestionTime: ingestion, sequence: first + $0)
                })
            stream.lastIngestionTime = ingestion
            // A stream keeps at most a million events; the oldest tenth goes at once, so trimming is rare (documented bound).
            if stream.events.count > Self.streamEventLimit { stream.events.removeFirst(stream.events.count - Self.streamEventLimit / 10 * 9) }
        }
        groups[key]?.nextSequence = first + accepted.count
        storedBytesEstimate += accepted.reduce(0) { $0 + Self.storedBytes(message: $1.message) }
        if storedBytesEstimate > storedBytesLimit { trimToBudget() }
        if let g = groups[GroupKey(region: ctx.region, name: input.logGroupName)], !g.subscriptionFilters.isEmpty {
            deliverToSubscriptions(group: g, stream: input.logStreamName, events: accepted, ctx: ctx)
        }
        let anyRejected = rejected.tooOldLogEventEndIndex != nil || rejected.tooNewLogEventStartIndex != nil || rejected.expiredLogEventEndIndex != nil
        return PutLogEventsResponse(nextSequenceToken: nil, rejectedLogEventsInfo: anyRejected ? rejected : nil)
    }

    /// Pages forward (`f/<index>`) or backward (`b/<index>`) through the stream's events in
    /// time order. Without a token, from the head or (AWS's default) the tail.
    func getLogEvents(_ input: GetLogEventsRequest, _ ctx: CallContext) throws(LogsError) -> GetLogEventsResponse {
        let groupName = Self.groupName(input.logGroupName, identifier: input.logGroupIdentifier)
        let cutoff = retentionCutoff(groupName, ctx) ?? .min
        let events = try modifyStream(groupName, input.logStreamName, ctx) { (s: inout StoredLogStream) throws(LogsError) in s.events }
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
        return GetLogEventsResponse(events: page, nextForwardToken: "f/\(upper)", nextBackwardToken: "b/\(lower)")
    }

    /// The group a request names, by name or by ARN (`logGroupIdentifier`).
    static func groupName(_ name: String?, identifier: String?) -> String {
        name ?? identifier.map { ARN($0)?.resource.split(separator: ":").dropFirst().first.map(String.init) ?? $0 } ?? ""
    }

    /// Pages with an opaque index token; `limit` is 1–50 as AWS allows.
    static func page<T>(_ items: [T], limit: Int?, token: String?) throws(LogsError) -> ([T], String?) {
        let size = limit ?? 50
        guard let page = Pagination.page(items, size: size, token: token) else { throw .invalid("The specified nextToken is invalid.") }
        return page
    }

    func describeLogStreams(_ input: DescribeLogStreamsRequest, _ ctx: CallContext) throws(LogsError) -> DescribeLogStreamsResponse {
        let g = try group(Self.groupName(input.logGroupName, identifier: input.logGroupIdentifier), ctx)
        let byTime = input.orderBy == "LastEventTime"
        if byTime && input.logStreamNamePrefix != nil { throw .invalid("Cannot order by LastEventTime with a logStreamNamePrefix.") }
        let last = { (s: StoredLogStream) in s.events.map(\.timestamp).max() ?? 0 }
        var streams = g.streams.values
            .filter { input.logStreamNamePrefix.map($0.name.hasPrefix) ?? true }
            .sorted { byTime ? (last($0), $0.name) < (last($1), $1.name) : $0.name < $1.name }
            .map { s in
                CloudWatchLogsAPI.LogStream(
                    logStreamName: s.name, creationTime: s.creationTime,
                    firstEventTimestamp: s.events.map(\.timestamp).min(), lastEventTimestamp: s.events.map(\.timestamp).max(),
                    lastIngestionTime: s.lastIngestionTime,
                    arn: ctx.arn("logs", "log-group:\(g.name):log-stream:\(s.name)").description, storedBytes: 0)
            }
        if input.descending == true { streams.reverse() }
        let (page, next) = try Self.page(streams, limit: input.limit, token: input.nextToken)
        return DescribeLogStreamsResponse(logStreams: page, nextToken: next)
    }

    func describeLogGroups(_ input: DescribeLogGroupsRequest, _ ctx: CallContext) throws(LogsError) -> DescribeLogGroupsResponse {
        let list = groups.values
            .filter { $0.arn.region == ctx.region && (input.logGroupNamePrefix.map($0.name.hasPrefix) ?? true) }
            .sorted { $0.name < $1.name }
            .map {
                CloudWatchLogsAPI.LogGroup(
                    logGroupName: $0.name, creationTime: $0.creationTime, retentionInDays: $0.retentionInDays, arn: $0.arn.description, storedBytes: 0)
            }
        let (page, next) = try Self.page(list, limit: input.limit, token: input.nextToken)
        return DescribeLogGroupsResponse(logGroups: page, nextToken: next)
    }

    /// The oldest timestamp a group keeps under its retention policy, on the virtual clock.
    func retentionCutoff(_ group: String, _ ctx: CallContext) -> Int? {
        guard let days = groups[GroupKey(region: ctx.region, name: group)]?.retentionInDays else { return nil }
        return ctx.now.epochMillis - Int(days) * 86_400_000
    }
}
