public import CloudCafeCore
import CloudWatchLogsAPI
import Foundation
import Synchronization

/// An in-process Lambda function. A function's `Handler` string selects one
/// (`salesAnalysisReport.lambda_handler`).
///
/// A handler throws on failure and never traps; the runtime enforces the timeout.
public protocol LambdaHandler: Sendable {
    /// Modules the handler imports that must come from the function's layers (`pymysql`);
    /// without them the runtime fails at import as Python does.
    var requiredModules: [String] { get }

    /// Handles one event and returns the function's result.
    func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue
}

extension LambdaHandler {
    public var requiredModules: [String] { [] }
}

/// What a handler knows of its invocation.
public struct LambdaContext: Sendable {
    /// The invocation's request id.
    public let requestID: String
    /// The function's name and ARN.
    public let functionName: String
    public let functionArn: String
    /// The function's memory size in MB.
    public let memoryLimitInMB: Int
    /// The function's environment, including `AWS_REGION` and `AWS_LAMBDA_FUNCTION_NAME`.
    public let environment: [String: String]
    /// An AWS client that calls as the function's execution role session.
    public let client: AWSClient
    /// The clock; handlers take "now" from it, never from the machine.
    public let clock: VirtualClock
    /// The function's log: every line becomes a CloudWatch Logs event in its stream.
    public let logger: FunctionLogger
    let deadline: ContinuousClock.Instant

    /// Milliseconds left before the runtime stops the invocation.
    public var remainingTimeInMillis: Int {
        let (s, atto) = (deadline - ContinuousClock.now).components
        return max(0, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }
}

/// Collects the lines a function writes (its stdout), each stamped with virtual time.
public final class FunctionLogger: Sendable {
    private let lines = LockedLines()
    private let clock: VirtualClock

    init(clock: VirtualClock) { self.clock = clock }

    /// Writes one line, as Python's `print` does.
    public func log(_ line: String) {
        lines.append(InputLogEvent(timestamp: Int(clock.now.epochMillisForLogs), message: line))
    }

    func drain() -> [InputLogEvent] { lines.drain() }
}

/// A failure a handler reports: Python's exception type and message.
public struct HandlerFailure: Error, Sendable, Equatable {
    /// Python's exception class name (`Exception`, `KeyError`).
    public let errorType: String
    /// The exception's message.
    public let errorMessage: String

    public init(type: String = "Exception", message: String) {
        self.errorType = type
        self.errorMessage = message
    }
}

/// The handler's process exited without a result (`sys.exit()`): Lambda reports
/// `Runtime.ExitError`.
public struct RuntimeExit: Error, Sendable {
    public init() {}
}

final class LockedLines: Sendable {
    private let state = Mutex<[InputLogEvent]>([])
    func append(_ e: InputLogEvent) { state.withLock { $0.append(e) } }
    func drain() -> [InputLogEvent] {
        state.withLock { s in
            defer { s = [] }; return s
        }
    }
}

extension Date {
    var epochMillisForLogs: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
