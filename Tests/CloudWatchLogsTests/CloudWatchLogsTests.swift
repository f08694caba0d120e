import CloudCafeCore
import CloudWatchLogs
import CloudWatchLogsAPI
import Foundation
import IAM
import Lambda
import Testing

/// CloudWatch Logs in process, through the Dispatcher like any client, on a frozen clock.
struct CloudWatchLogsTests {
    let start = TimeText.instant("2026-11-27T20:00:00Z")!
    let dispatcher: Dispatcher
    let client: AWSClient

    init() throws {
        dispatcher = Dispatcher(clock: VirtualClock(start: start, rate: 0))
        // Logs delivers subscription filters to Lambda, which runs as roles IAM knows: all must be there.
        let lambda = Lambda(dispatcher: dispatcher, handlers: [:])
        try dispatcher.install(CloudWatchLogs(dispatcher: dispatcher).declarations + lambda.declarations + IAM(account: "000000000000").declarations)
        client = dispatcher.client(as: .root(account: "000000000000"), region: "us-east-1")
    }

    var millis: Int { Int(dispatcher.clock.now.timeIntervalSince1970 * 1000) }

    @Test func memoryForEventsIsBoundedAndQuietStreamsKeepTheirHistory() async throws {
        // Given Logs with room for about 100 KB of events
        let dispatcher = Dispatcher(clock: VirtualClock(start: start, rate: 0))
        let lambda = Lambda(dispatcher: dispatcher, handlers: [:])
        try dispatcher.install(
            CloudWatchLogs(dispatcher: dispatcher, storedBytesLimit: 100_000).declarations + lambda.declarations + IAM(account: "000000000000").declarations)
        let client = dispatcher.client(as: .root(account: "000000000000"), region: "us-east-1")
        _ = try await client.send(CloudWatchLogsOperations.createLogGroup, CreateLogGroupRequest(logGroupName: "/g"))
        for stream in ["quiet", "busy"] {
            _ = try await client.send(CloudWatchLogsOperations.createLogStream, CreateLogStreamRequest(logGroupName: "/g", logStreamName: stream))
        }
        let now = millis
        func put(_ stream: String, _ range: Range<Int>) async throws {
            _ = try await client.send(
                CloudWatchLogsOperations.putLogEvents,
                PutLogEventsRequest(
                    logGroupName: "/g", logStreamName: stream,
                    logEvents: range.map { InputLogEvent(timestamp: now, message: "\(stream) \($0) " + String(repeating: "x", count: 900)) }))
        }
        // When a quiet stream gets 10 events and a busy one 1,000
        try await put("quiet", 0..<10)
        for batch in 0..<10 { try await put("busy", (batch * 100)..<(batch * 100 + 100)) }
        // Then the busy stream has lost its oldest events, the quiet one nothing, and the total fits
        func messages(_ stream: String) async throws -> [String] {
            try await client.send(CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: "/g", logStreamName: stream, startFromHead: true))
                .events?.compactMap(\.message) ?? []
        }
        let quiet = try await messages("quiet")
        let busy = try await messages("busy")
        #expect(quiet.count == 10)
        #expect(busy.last?.hasPrefix("busy 999 ") == true)
        #expect(busy.first?.hasPrefix("busy 0 ") == false)
        #expect((quiet.count + busy.count) * 1_000 <= 100_000)
    }

    func write(_ messages: [String], stream: String = "s") async throws {
        _ = try? await client.send(CloudWatchLogsOperations.createLogGroup, CreateLogGroupRequest(logGroupName: "/aws/lambda/f"))
        _ = try? await client.send(CloudWatchLogsOperations.createLogStream, CreateLogStreamRequest(logGroupName: "/aws/lambda/f", logStreamName: stream))
        let now = millis
        _ = try await client.send(
            CloudWatchLogsOperations.putLogEvents,
            PutLogEventsRequest(
                logGroupName: "/aws/lambda/f", logStreamName: stream, logEvents: messages.map { InputLogEvent(timestamp: now, message: $0) }))
    }

    func failure(_ work: () async throws -> Void) async -> AWSClientError? {
        do {
            try await work()
            return nil
        } catch {
            return error as? AWSClientError
        }
    }

    @Test func eventsComeBackInOrderAndFiltersMatchTerms() async throws {
        try await write(["START RequestId: 1", "[ERROR] KeyError: 'x'", "END RequestId: 1"])
        let events = try await client.send(
            CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: "/aws/lambda/f", logStreamName: "s", startFromHead: true)
        ).events ?? []
        #expect(events.compactMap(\.message) == ["START RequestId: 1", "[ERROR] KeyError: 'x'", "END RequestId: 1"])
        #expect(events.first?.timestamp == millis)
        let errors = try await client.send(
            CloudWatchLogsOperations.filterLogEvents, FilterLogEventsRequest(logGroupName: "/aws/lambda/f", filterPattern: "ERROR")
        ).events ?? []
        #expect(errors.compactMap(\.message) == ["[ERROR] KeyError: 'x'"])
    }

    @Test func retentionExpiresEventsOnTheVirtualClock() async throws {
        try await write(["old"])
        _ = try await client.send(CloudWatchLogsOperations.putRetentionPolicy, PutRetentionPolicyRequest(logGroupName: "/aws/lambda/f", retentionInDays: 1))
        _ = await dispatcher.agenda.advance(by: 2 * 86_400)
        try await write(["new"])
        let events = try await client.send(
            CloudWatchLogsOperations.filterLogEvents, FilterLogEventsRequest(logGroupName: "/aws/lambda/f")
        ).events ?? []
        #expect(events.compactMap(\.message) == ["new"])
    }

    @Test func missingGroupsAndBadInputAreAWSsErrors() async throws {
        let missing = await failure {
            _ = try await client.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: "/missing"))
        }
        #expect(missing?.error.errorCode == "ResourceNotFoundException")
        #expect(missing?.error.message == "The specified log group does not exist.")
        // Checked against the model in process as on the wire, with Logs' own code.
        let empty = await failure { _ = try await client.send(CloudWatchLogsOperations.createLogGroup, CreateLogGroupRequest(logGroupName: "")) }
        #expect(empty?.error.errorCode == "InvalidParameterException")
        #expect(
            empty?.error.message
                == #"2 validation errors detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"#
        )
    }
}
