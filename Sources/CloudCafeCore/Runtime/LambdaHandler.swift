import Foundation
import Synchronization

/// An in-process Lambda function. A function's `Handler` string selects one
/// (`salesAnalysisReport.lambda_handler`). The contract lives in Core so that handlers
/// depend on no service: they reach services through their context's client.
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
    /// The function's environment, including `AWS_REGION` and `AWS_LAMBDA_FUNCTION_NAME`:
    /// made when read (the extractor never reads it; a dictionary of ten built per
    /// invocation was a twentieth of one).
    public var environment: [String: String] { makeEnvironment() }
    private let makeEnvironment: @Sendable () -> [String: String]
    /// An AWS client that calls as the function's execution role session.
    public let client: AWSClient
    /// The clock; handlers take "now" from it, never from the machine.
    public let clock: VirtualClock
    /// The function's log: every line becomes a CloudWatch Logs event in its stream.
    public let logger: FunctionLogger
    /// When the runtime stops the invocation, on the machine's clock (timeouts are real time).
    public let deadline: MachineClock.Instant

    public init(
        requestID: String, functionName: String, functionArn: String, memoryLimitInMB: Int, environment: @autoclosure @escaping @Sendable () -> [String: String],
        client: AWSClient,
        clock: VirtualClock, logger: FunctionLogger, deadline: MachineClock.Instant
    ) {
        self.requestID = requestID
        self.functionName = functionName
        self.functionArn = functionArn
        self.memoryLimitInMB = memoryLimitInMB
        self.makeEnvironment = environment
        self.client = client
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
    }

    /// Milliseconds left before the runtime stops the invocation.
    public var remainingTimeInMillis: Int {
        let (s, atto) = (deadline - MachineClock.now).components
        return max(0, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }
}

/// One line a function wrote, stamped in virtual epoch milliseconds.
public struct LogLine: Sendable, Equatable {
    public let timestamp: Int
    public let message: String

    public init(timestamp: Int, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// Collects the lines a function writes (its stdout), each stamped with virtual time.
public final class FunctionLogger: Sendable {
    private let lines = Mutex<[LogLine]>([])
    private let clock: VirtualClock

    public init(clock: VirtualClock) { self.clock = clock }

    /// Writes one line, as Python's `print` does.
    public func log(_ line: String) {
        let stamp = clock.now.epochMillis
        lines.withLock { $0.append(LogLine(timestamp: stamp, message: line)) }
    }

    /// Takes every line written so far.
    public func drain() -> [LogLine] {
        lines.withLock { l in
            defer { l = [] }
            return l
        }
    }
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
