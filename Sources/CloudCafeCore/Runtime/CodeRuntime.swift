public import Foundation

/// Runs functions' own code (their uploaded packages) in execution environments outside the
/// daemon, speaking the Lambda Runtime API. Lambda decides what runs and writes the log
/// framing (START, END, REPORT); the runtime owns the processes. The Engine supplies it, so
/// the Lambda service knows nothing of processes or ports.
public protocol CodeRuntime: Sendable {
    /// Invokes `function` once, in a warm environment of the same generation or a new one.
    func invoke(_ function: CodeFunction, _ invocation: CodeInvocation) async -> CodeInvocationResult
    /// Retires every environment of a function: its code or configuration changed, or it is
    /// gone. A key ending in `:` names every version of the function (`us-east-1/name:`).
    func retire(function key: String) async
    /// Retires every environment (reset, shutdown).
    func retireAll() async
}

/// A function as its environments need it.
public struct CodeFunction: Sendable {
    /// Identifies the function's version (`region/name:version`); environments are pooled per key.
    public let key: String
    /// Changes whenever the code or the configuration does: warm environments of an older
    /// generation are never reused.
    public let generation: String
    public let name: String
    public let arn: String
    public let region: String
    public let version: String
    public let runtime: String?
    public let handler: String
    public let memorySize: Int
    /// Seconds, on the machine's clock.
    public let timeout: Int
    public let variables: [String: String]
    public let code: Data
    public let codeSha256: String
    /// The function's layers in order: their SHA-256 and zip.
    public let layers: [(sha256: String, content: Data)]
    /// The execution role's session for a new environment (AssumeRole as Lambda).
    public let credentials: @Sendable () async throws -> SessionCredentials
    /// A new environment's log stream name, from the instant it starts.
    public let newLogStream: @Sendable (Date) -> String
    /// Binds the calls signed with an environment's key to a cause while an invocation runs (nil: unbinds).
    public var bindCause: @Sendable (_ cause: String?, _ accessKey: String) -> Void = { _, _ in }

    public init(
        key: String, generation: String, name: String, arn: String, region: String, version: String, runtime: String?, handler: String, memorySize: Int,
        timeout: Int, variables: [String: String], code: Data, codeSha256: String, layers: [(sha256: String, content: Data)],
        credentials: @escaping @Sendable () async throws -> SessionCredentials, newLogStream: @escaping @Sendable (Date) -> String
    ) {
        self.key = key
        self.generation = generation
        self.name = name
        self.arn = arn
        self.region = region
        self.version = version
        self.runtime = runtime
        self.handler = handler
        self.memorySize = memorySize
        self.timeout = timeout
        self.variables = variables
        self.code = code
        self.codeSha256 = codeSha256
        self.layers = layers
        self.credentials = credentials
        self.newLogStream = newLogStream
    }
}

/// Temporary credentials of a role session, with their expiry on the virtual clock.
public struct SessionCredentials: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String
    public let expiration: Date

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

/// One invocation as the Runtime API hands it to the code.
public struct CodeInvocation: Sendable {
    public let requestID: String
    /// The event exactly as the caller sent it.
    public let payload: Data
    /// Base64 client context (`Lambda-Runtime-Client-Context`), when the caller sent one.
    public let clientContext: String?
    public let traceID: String
    /// The invocation's timeline entry: the cause of the calls the code makes.
    public let timelineID: String?

    public init(requestID: String, payload: Data, clientContext: String?, traceID: String, timelineID: String? = nil) {
        self.requestID = requestID
        self.payload = payload
        self.clientContext = clientContext
        self.traceID = traceID
        self.timelineID = timelineID
    }
}

/// What an invocation of code produced.
public struct CodeInvocationResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The runtime posted a response: the payload as it sent it.
        case response(Data)
        /// The runtime posted an error for the invocation, or at init: its body as sent.
        case error(type: String, body: Data)
        /// The process exited before answering (`exit status 1`, `signal: killed`).
        case exited(String)
        /// The invocation outran the function's timeout; the process was killed.
        case timedOut
        /// The response was over the 6 MB limit (its size in bytes).
        case responseTooLarge(Int)
        /// No environment could run: a missing runtime, bootstrap or interpreter.
        case unavailable(type: String, message: String)
    }

    public let outcome: Outcome
    /// Lines the code wrote before its first invocation (init), then during this one.
    public let initLines: [LogLine]
    public let lines: [LogLine]
    /// Whether a new environment was started, and how long its init took.
    public let cold: Bool
    public let initDuration: Duration?
    /// From handing the event over to the answer, on the machine's clock.
    public let duration: Duration
    /// The environment's log stream.
    public let logStream: String
    /// The process's peak resident memory in MB, when known.
    public let maxMemoryMB: Int?

    public init(
        outcome: Outcome, initLines: [LogLine], lines: [LogLine], cold: Bool, initDuration: Duration?, duration: Duration, logStream: String,
        maxMemoryMB: Int? = nil
    ) {
        self.maxMemoryMB = maxMemoryMB
        self.outcome = outcome
        self.initLines = initLines
        self.lines = lines
        self.cold = cold
        self.initDuration = initDuration
        self.duration = duration
        self.logStream = logStream
    }
}
