import CloudCafeCore
import CloudWatchLogsAPI

/// One event of a log group, with its stream.
public struct LogGroupEvent: Sendable {
    public let stream: String
    public let timestamp: Int
    public let message: String
}

extension CloudCafeEngine {
    /// Every event of a log group, across its streams, in time order (ties in the order they
    /// arrived), read as the account's root through CloudWatch Logs' own operations.
    public func logEvents(group: String) async throws -> [LogGroupEvent] {
        let client = client()
        var streams: [String] = []
        var token: String?
        repeat {
            let page = try await client.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: group, nextToken: token))
            streams += (page.logStreams ?? []).compactMap(\.logStreamName)
            token = page.nextToken
        } while token != nil
        var events: [(timestamp: Int, ingestion: Int, message: String, stream: String, index: Int)] = []
        for stream in streams {
            let got = try await client.send(
                CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: group, logStreamName: stream, startFromHead: true))
            events += (got.events ?? []).enumerated().map { ($1.timestamp ?? 0, $1.ingestionTime ?? 0, $1.message ?? "", stream, $0) }
        }
        events.sort { ($0.timestamp, $0.ingestion, $0.stream, $0.index) < ($1.timestamp, $1.ingestion, $1.stream, $1.index) }
        return events.map { LogGroupEvent(stream: $0.stream, timestamp: $0.timestamp, message: $0.message) }
    }
}
