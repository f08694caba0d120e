import CloudCafeCore
import CloudWatchLogsAPI
import Foundation

/// The retention periods CloudWatch Logs accepts (PutRetentionPolicy).
let allowedRetention: Set<Int> = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

extension CloudWatchLogs {
    func deleteLogGroup(_ input: DeleteLogGroupRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        guard groups.removeValue(forKey: GroupKey(region: ctx.region, name: input.logGroupName)) != nil else { throw .groupNotFound() }
        return EmptyShape()
    }

    func deleteLogStream(_ input: DeleteLogStreamRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard var g = groups[key] else { throw .groupNotFound() }
        guard g.streams.removeValue(forKey: input.logStreamName) != nil else { throw .streamNotFound() }
        groups[key] = g
        return EmptyShape()
    }

    func setRetention(_ group: String, _ days: Int?, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: group)
        guard var g = groups[key] else { throw .groupNotFound() }
        if let days, !allowedRetention.contains(days) {
            // The model leaves the allowed periods out; AWS words the refusal as an enum constraint.
            throw .invalid(
                ConstraintViolation.message([
                    ConstraintViolation(
                        path: "retentionInDays", value: "'\(days)'",
                        constraint: "Member must satisfy enum value set: \(allowedRetention.sorted())")
                ]))
        }
        g.retentionInDays = days
        groups[key] = g
        return EmptyShape()
    }

    func filterLogEvents(_ input: FilterLogEventsRequest, _ ctx: CallContext) throws(LogsError) -> FilterLogEventsResponse {
        let name = Self.groupName(input.logGroupName, identifier: input.logGroupIdentifier)
        let g = try group(name, ctx)
        if input.logStreamNames != nil && input.logStreamNamePrefix != nil {
            throw .invalid("logStreamNames and logStreamNamePrefix are mutually exclusive")
        }
        let pattern = try LogFilterPattern(input.filterPattern ?? "")
        let cutoff = retentionCutoff(g.name, ctx) ?? .min
        var found: [FilteredLogEvent] = []
        for stream in g.streams.values.sorted(by: { $0.name < $1.name }) {
            if let names = input.logStreamNames, !names.contains(stream.name) { continue }
            if let prefix = input.logStreamNamePrefix, !stream.name.hasPrefix(prefix) { continue }
            for e in stream.events where e.timestamp >= cutoff {
                if let s = input.startTime, e.timestamp < s { continue }
                if let end = input.endTime, e.timestamp > end { continue }
                guard pattern.matches(e.message) else { continue }
                found.append(
                    FilteredLogEvent(
                        logStreamName: stream.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime,
                        eventId: Digits.padded(e.timestamp, 20) + Digits.padded(e.sequence, 36)))
            }
        }
        // Time order; equal timestamps in the order they were put (the id ends with it).
        found.sort { ($0.timestamp ?? 0, $0.eventId ?? "") < ($1.timestamp ?? 0, $1.eventId ?? "") }
        var start = 0
        if let token = input.nextToken {
            guard token.hasPrefix("n/"), let n = Int(token.dropFirst(2)), (0...found.count).contains(n) else {
                throw .invalid("The specified nextToken is invalid.")
            }
            start = n
        }
        let limit = min(max(input.limit ?? 10_000, 1), 10_000)
        let page = Array(found[start...].prefix(limit))
        let next = start + page.count < found.count ? "n/\(start + page.count)" : nil
        return FilterLogEventsResponse(events: page, nextToken: next)
    }
}
