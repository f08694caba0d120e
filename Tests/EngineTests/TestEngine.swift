import CloudCafeCore
import CloudWatchLogsAPI
import LambdaAPI
import CloudWatchLogs
import Engine
import Foundation
import Lambda
import SNS
import SSM

/// A CloudCafe engine in a fresh folder, its clock frozen at `start`.
func makeEngine(start: String = "2026-11-27T19:59:00Z", stack: Bool = true) async throws -> CloudCafeEngine {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloudcafe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var config = EngineConfiguration()
    config.outboxDirectory = dir.appendingPathComponent("outbox")
    config.cafeDatabasePath = dir.appendingPathComponent("cafe_db.sqlite").path
    config.startTime = TimeText.instant(start)
    config.clockRate = 0
    config.seed = 7
    config.stack = stack ? try StackFile.cafe() : nil
    let engine = try CloudCafeEngine(config)
    if let s = config.stack { try await engine.deploy(s) }
    return engine
}

extension CloudCafeEngine {
    /// The decoded body of an outbox message.
    func body(of file: String) -> String? {
        guard let text = outbox.read(file), let split = text.range(of: "\n\n") else { return nil }
        return Data(base64Encoded: String(text[split.upperBound...].filter { !$0.isWhitespace })).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Report emails in the outbox.
    var reports: [OutboxEntry] { outbox.list().filter { $0.subject == "Daily Sales Analysis Report" } }

    /// Every message of a log group, across streams, in time order.
    func logLines(_ group: String) async throws -> [String] {
        let c = client()
        let streams = try await c.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: group)).logStreams ?? []
        var lines: [String] = []
        for s in streams.sorted(by: { ($0.creationTime ?? 0) < ($1.creationTime ?? 0) }) {
            let events = try await c.send(
                CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: group, logStreamName: s.logStreamName ?? "")
            ).events ?? []
            lines += events.compactMap(\.message)
        }
        return lines
    }

    /// Every event of a log group, across streams, in time order.
    func logEvents(_ group: String) async throws -> [LoggedEvent] {
        let c = client()
        let streams = try await c.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: group)).logStreams ?? []
        var all: [OutputLogEvent] = []
        for s in streams {
            all +=
                try await c.send(CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: group, logStreamName: s.logStreamName ?? "")).events
                ?? []
        }
        return all.map { LoggedEvent(timestamp: $0.timestamp ?? 0, message: $0.message ?? "", ingestionTime: $0.ingestionTime ?? 0) }
            .sorted { ($0.timestamp, $0.ingestionTime) < ($1.timestamp, $1.ingestionTime) }
    }

    /// Invokes a function synchronously as the account's root user.
    func invoke(_ function: String, _ payload: String = "{}") async throws -> InvocationResponse {
        try await client().send(LambdaOperations.invoke, InvocationRequest(functionName: function, payload: Data(payload.utf8)))
    }
}

extension InvocationResponse {
    var text: String { String(decoding: payload ?? Data(), as: UTF8.self) }
    var json: JSONValue? { try? JSONValue(parsing: payload ?? Data()) }
}

/// A log event as the tests compare it.
struct LoggedEvent: Equatable {
    let timestamp: Int
    let message: String
    let ingestionTime: Int
}

/// The repository's fixtures folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures").standardized
