import CafeReport
public import CloudCafeCore
public import Engine
public import Foundation
import LambdaAPI
import SNS

/// CloudCafe in a Swift test suite: the whole engine in process (no port, no daemon), with
/// the café stack (or a stack file) deployed and the clock frozen, and the verbs a suite
/// needs — the clock, the outbox, logs, invoke, snapshots, reset, and an AWS client that
/// calls every service as the account's root through the in-process path (IAM included).
public final class TestCafe: Sendable {
    public let engine: CloudCafeEngine
    /// Where the outbox and cafe_db live; removed by `stop()`.
    public let folder: URL

    /// Friday 2026-11-27 19:59 UTC: a minute before the café's report runs.
    public static let friday = Date(timeIntervalSince1970: 1_795_809_540)

    /// Deploys `stack` (`nil`: the café) on a frozen clock at `startTime`; `handlers` add
    /// in-process Lambda handlers of the suite's own.
    public init(stack: StackFile? = nil, startTime: Date = TestCafe.friday, handlers: [String: any LambdaHandler] = [:], seed: UInt64? = 7) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cloudcafe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = EngineConfiguration()
        config.outboxDirectory = folder.appendingPathComponent("outbox")
        config.cafeDatabasePath = folder.appendingPathComponent("cafe_db.sqlite").path
        config.startTime = startTime
        config.clockRate = 0
        config.seed = seed
        config.stack = try stack ?? StackFile.cafe()
        config.handlers = handlers
        engine = try CloudCafeEngine(config)
        try await engine.start()
    }

    /// Stops function processes and removes the folder.
    public func stop() async {
        await engine.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Calls any service as the account's root user (`client.send(SSMOperations.getParameter, …)`).
    public var client: AWSClient { engine.client() }

    // MARK: The clock

    public var now: Date { engine.clock.now }

    /// Moves forward by `step` (`90s`, `2m`, `1d`, `PT2M`), running every firing on the way.
    @discardableResult
    public func advance(_ step: String) async throws -> [Firing] {
        guard let seconds = TimeText.duration(step) else { throw TestCafeError("not a duration: \(step) (try 2m, 90s, 1d or PT2M)") }
        return await engine.agenda.advance(by: seconds)
    }

    /// Moves to `instant` (ISO 8601); forward, every firing on the way runs.
    @discardableResult
    public func set(_ instant: String) async throws -> [Firing] {
        guard let date = TimeText.instant(instant) else { throw TestCafeError("not an ISO 8601 instant: \(instant)") }
        return await engine.agenda.move(to: date)
    }

    // MARK: What happened

    /// One delivered email, decoded.
    public struct Email: Sendable {
        public let file: String
        public let headers: [String: String]
        public let body: String
        public var subject: String { headers["Subject"] ?? "" }
        public var to: String { headers["To"] ?? "" }
    }

    /// The delivered emails, oldest first.
    public func outbox() -> [Email] {
        engine.outbox.list().compactMap { entry in
            engine.outbox.message(entry.file).map { m in Email(file: entry.file, headers: Dictionary(m.headers, uniquingKeysWith: { $1 }), body: m.body) }
        }
    }

    /// The message lines of `function`'s log group, in time order.
    public func logs(_ function: String) async throws -> [String] {
        try await engine.logEvents(group: "/aws/lambda/\(function)").map(\.message)
    }

    /// Invokes `function` synchronously; a function error throws with what it returned.
    public func invoke(_ function: String, _ payload: JSONValue = .object([])) async throws -> JSONValue {
        let out = try await client.send(LambdaOperations.invoke, InvocationRequest(functionName: function, payload: payload.data))
        let result = try JSONValue(parsing: out.payload ?? Data("null".utf8))
        if let error = out.functionError { throw TestCafeError("\(function) failed (\(error)): \(result.compact)") }
        return result
    }

    /// Places a café order: `at` café local time (`2026-11-27T14:05:00`), items as `"Croissant=1"`.
    @discardableResult
    public func placeOrder(at: String, _ items: String...) throws -> Int64 {
        let time = try OrderText.time(at)
        let lines = try OrderText.lines(items, menu: try engine.cafeDatabase.products())
        return try engine.cafeDatabase.place([CafeDatabase.NewOrder(time: time, lines: lines)])[0]
    }

    // MARK: State

    public func snapshot(_ name: String) async throws { try await engine.saveSnapshot(name) }
    public func restore(_ name: String) async throws { try await engine.loadSnapshot(name) }

    /// Back to the freshly deployed stack; the clock to where it started, or `clock`.
    public func reset(clock: String? = nil) async throws {
        try await engine.reset(clock: clock.flatMap(TimeText.instant))
    }
}

public struct TestCafeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
