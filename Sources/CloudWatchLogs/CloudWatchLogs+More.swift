public import CloudCafeCore
import Foundation

// MARK: - Shapes

/// DeleteLogGroup input.
public struct DeleteLogGroupInput: Sendable, Codable {
    public var logGroupName: String
}

/// DeleteLogStream input.
public struct DeleteLogStreamInput: Sendable, Codable {
    public var logGroupName: String
    public var logStreamName: String
}

/// PutRetentionPolicy input.
public struct PutRetentionPolicyInput: Sendable, Codable {
    public var logGroupName: String
    public var retentionInDays: Int
}

/// FilterLogEvents input.
public struct FilterLogEventsInput: Sendable, Codable {
    public var logGroupName: String?
    public var logGroupIdentifier: String?
    public var logStreamNames: [String]?
    public var logStreamNamePrefix: String?
    public var startTime: Int64?
    public var endTime: Int64?
    public var filterPattern: String?
    public var nextToken: String?
    public var limit: Int?
}

/// One event FilterLogEvents found.
public struct FilteredLogEvent: Sendable, Codable, Equatable {
    public var logStreamName: String
    public var timestamp: Int64
    public var message: String
    public var ingestionTime: Int64
    public var eventId: String
}

/// FilterLogEvents output.
public struct FilterLogEventsOutput: Sendable, Codable {
    public var events: [FilteredLogEvent]
    public var nextToken: String?
}

/// The retention periods CloudWatch Logs accepts (PutRetentionPolicy).
let allowedRetention: Set<Int> = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

extension CloudWatchLogs {
    /// DeleteLogGroup.
    public static let deleteLogGroup = Operation<CloudWatchLogs, DeleteLogGroupInput, LogsEmptyOutput>(
        name: "DeleteLogGroup", action: "logs:DeleteLogGroup", resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName)").description }
    ) { logs, input, ctx in try await logs.deleteLogGroup(input, ctx) }

    /// DeleteLogStream.
    public static let deleteLogStream = Operation<CloudWatchLogs, DeleteLogStreamInput, LogsEmptyOutput>(
        name: "DeleteLogStream", action: "logs:DeleteLogStream",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName):log-stream:\(i.logStreamName)").description }
    ) { logs, input, ctx in try await logs.deleteLogStream(input, ctx) }

    /// PutRetentionPolicy.
    public static let putRetentionPolicy = Operation<CloudWatchLogs, PutRetentionPolicyInput, LogsEmptyOutput>(
        name: "PutRetentionPolicy", action: "logs:PutRetentionPolicy", resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName)").description }
    ) { logs, input, ctx in try await logs.setRetention(input.logGroupName, input.retentionInDays, ctx) }

    /// DeleteRetentionPolicy.
    public static let deleteRetentionPolicy = Operation<CloudWatchLogs, DeleteLogGroupInput, LogsEmptyOutput>(
        name: "DeleteRetentionPolicy", action: "logs:DeleteRetentionPolicy", resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName)").description }
    ) { logs, input, ctx in try await logs.setRetention(input.logGroupName, nil, ctx) }

    /// FilterLogEvents.
    public static let filterLogEvents = Operation<CloudWatchLogs, FilterLogEventsInput, FilterLogEventsOutput>(
        name: "FilterLogEvents", action: "logs:FilterLogEvents",
        resource: { i, c in c.arn("logs", "log-group:\(i.logGroupName ?? i.logGroupIdentifier ?? "*")").description }
    ) { logs, input, ctx in try await logs.filterLogEvents(input, ctx) }

    func deleteLogGroup(_ input: DeleteLogGroupInput, _ ctx: CallContext) throws(LogsError) -> LogsEmptyOutput {
        guard groups.removeValue(forKey: GroupKey(region: ctx.region, name: input.logGroupName)) != nil else { throw .groupNotFound() }
        return LogsEmptyOutput()
    }

    func deleteLogStream(_ input: DeleteLogStreamInput, _ ctx: CallContext) throws(LogsError) -> LogsEmptyOutput {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard var g = groups[key] else { throw .groupNotFound() }
        guard g.streams.removeValue(forKey: input.logStreamName) != nil else { throw .streamNotFound() }
        groups[key] = g
        return LogsEmptyOutput()
    }

    func setRetention(_ group: String, _ days: Int?, _ ctx: CallContext) throws(LogsError) -> LogsEmptyOutput {
        let key = GroupKey(region: ctx.region, name: group)
        guard var g = groups[key] else { throw .groupNotFound() }
        if let days, !allowedRetention.contains(days) {
            throw .invalid(
                "1 validation error detected: Value '\(days)' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \(allowedRetention.sorted())"
            )
        }
        g.retentionInDays = days
        groups[key] = g
        return LogsEmptyOutput()
    }

    func filterLogEvents(_ input: FilterLogEventsInput, _ ctx: CallContext) throws(LogsError) -> FilterLogEventsOutput {
        let name = input.logGroupName ?? input.logGroupIdentifier.map { ARN($0)?.resource.split(separator: ":").dropFirst().first.map(String.init) ?? $0 } ?? ""
        let g = try group(name, ctx)
        if input.logStreamNames != nil && input.logStreamNamePrefix != nil {
            throw .invalid("logStreamNames and logStreamNamePrefix are mutually exclusive")
        }
        let pattern = try FilterPattern(input.filterPattern ?? "")
        let cutoff = retentionCutoff(g.name, ctx) ?? .min
        var found: [FilteredLogEvent] = []
        for stream in g.streams.values.sorted(by: { $0.name < $1.name }) {
            if let names = input.logStreamNames, !names.contains(stream.name) { continue }
            if let prefix = input.logStreamNamePrefix, !stream.name.hasPrefix(prefix) { continue }
            for (i, e) in stream.events.enumerated() where e.timestamp >= cutoff {
                if let s = input.startTime, e.timestamp < s { continue }
                if let end = input.endTime, e.timestamp > end { continue }
                guard pattern.matches(e.message) else { continue }
                found.append(
                    FilteredLogEvent(
                        logStreamName: stream.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime,
                        eventId: String(format: "%020lld%08d", e.timestamp, i)))
            }
        }
        found.sort { ($0.timestamp, $0.logStreamName, $0.eventId) < ($1.timestamp, $1.logStreamName, $1.eventId) }
        let start = input.nextToken.flatMap { Int($0.dropFirst(2)) } ?? 0
        let limit = min(max(input.limit ?? 10_000, 1), 10_000)
        let page = Array(found.dropFirst(start).prefix(limit))
        let next = start + page.count < found.count ? "n/\(start + page.count)" : nil
        return FilterLogEventsOutput(events: page, nextToken: next)
    }
}

/// CloudWatch Logs' filter pattern for unstructured events: terms that must all appear
/// (`ERROR Failed`), quoted phrases (`"Failed to connect"`), `?a ?b` (any of), `-term` (none of).
/// Case-sensitive, as AWS matches.
struct FilterPattern {
    var required: [String] = []
    var anyOf: [String] = []
    var excluded: [String] = []

    init(_ text: String) throws(LogsError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            throw .invalid("CloudCafe does not support JSON or space-delimited filter patterns yet: \(text)")
        }
        var terms: [String] = []
        var current = ""
        var quoted = false
        for c in trimmed {
            if c == "\"" {
                quoted.toggle()
                continue
            }
            if c == " " && !quoted {
                if !current.isEmpty { terms.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { terms.append(current) }
        for t in terms {
            if t.hasPrefix("?") && t.count > 1 {
                anyOf.append(String(t.dropFirst()))
            } else if t.hasPrefix("-") && t.count > 1 {
                excluded.append(String(t.dropFirst()))
            } else {
                required.append(t)
            }
        }
    }

    func matches(_ message: String) -> Bool {
        required.allSatisfy(message.contains) && (anyOf.isEmpty || anyOf.contains(where: message.contains)) && !excluded.contains(where: message.contains)
    }
}
