import CloudCafeCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One execution environment: a process running a function's code, its Runtime API, its
/// output and its clock. It serves one invocation at a time.
final class ProcessEnvironment: RuntimeAPIDelegate {
    typealias Outcome = CodeInvocationResult.Outcome

    /// Lambda's limit on init (the time before the runtime first asks for an event).
    static let initLimit: Duration = .seconds(10)

    let functionKey: String
    let generation: String
    let logStream: String
    let credentialsExpire: Date
    /// The session key the code signs with.
    let accessKey: String
    let launched = MachineClock.now
    let pump: OutputPump
    private let clock: EnvironmentClock
    private let state = Mutex(State())

    private struct State {
        var process: ChildProcess?
        var server: RuntimeAPIServer?
        var parked: (connection: ObjectIdentifier, deliver: @Sendable (RuntimeDelivery) -> Void)?
        var current: Current?
        var exit: String?
        var initDuration: Duration?
        var initFailed = false
        var retired = false
        var lastUsed: (virtual: Date, machine: MachineClock.Instant)?
    }

    private struct Current {
        let invocation: CodeInvocation
        let functionArn: String
        let timeout: Int
        let continuation: CheckedContinuation<Outcome, Never>
        var delivered: MachineClock.Instant?
        var timer: Task<Void, Never>?
        var finished = false
        /// What the process wrote before the event was handed over (its init, on a cold start).
        var before: [LogLine] = []
    }

    init(functionKey: String, generation: String, logStream: String, credentialsExpire: Date, accessKey: String, clock: EnvironmentClock, pump: OutputPump) {
        self.functionKey = functionKey
        self.generation = generation
        self.logStream = logStream
        self.credentialsExpire = credentialsExpire
        self.accessKey = accessKey
        self.clock = clock
        self.pump = pump
    }

    func attach(process: ChildProcess, server: RuntimeAPIServer) {
        let retired = state.withLock { s in
            s.process = process
            s.server = server
            return s.retired
        }
        if retired { process.kill() }
    }

    /// Whether the environment can take another invocation.
    var usable: Bool { state.withLock { $0.exit == nil && !$0.retired && !$0.initFailed && $0.current == nil } }

    var initDuration: Duration? { state.withLock { $0.initDuration } }
    var lastUsed: (virtual: Date, machine: MachineClock.Instant)? { state.withLock { $0.lastUsed } }

    /// Runs one invocation: hands it to the runtime's `next` (now or when it asks) and waits
    /// for its answer, the process's exit or the timeout, whichever comes first.
    func invoke(_ invocation: CodeInvocation, functionArn: String, timeout: Int, virtualStart: Date) async -> (Outcome, Duration, initLines: [LogLine]) {
        clock.start(at: virtualStart)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let action: Action = state.withLock { s in
                if let exit = s.exit { return .resume(continuation, .exited(exit)) }
                s.current = Current(invocation: invocation, functionArn: functionArn, timeout: timeout, continuation: continuation)
                guard let parked = s.parked else { return .wait }
                s.parked = nil
                return .deliver(parked.deliver, markDelivered(&s))
            }
            perform(action)
            if case .wait = action { watchInit(invocation.requestID) }
        }
        let (elapsed, before) = state.withLock { s in
            defer {
                s.current?.timer?.cancel()
                s.current = nil
                s.lastUsed = (virtualStart, MachineClock.now)
            }
            return (s.current?.delivered.map { MachineClock.elapsed(since: $0) }, s.current?.before)
        }
        // An invocation that ended before the runtime took it (an init error, an exit during
        // init): all the process wrote belongs to init.
        return (outcome, elapsed ?? .zero, before ?? pump.collect())
    }

    private enum Action {
        case wait
        case deliver(@Sendable (RuntimeDelivery) -> Void, RuntimeDelivery)
        case resume(CheckedContinuation<Outcome, Never>, Outcome)
        case none
    }

    private func perform(_ action: Action) {
        switch action {
        case .deliver(let deliver, let delivery):
            deliver(delivery)
        case .resume(let continuation, let outcome):
            continuation.resume(returning: outcome)
        case .wait, .none:
            break
        }
    }

    /// Marks the current invocation delivered, starts its timeout and builds what `next` answers.
    private func markDelivered(_ s: inout State) -> RuntimeDelivery {
        let now = MachineClock.now
        guard var current = s.current else { preconditionFailure("delivering with no invocation") }
        current.delivered = now
        current.before = pump.collect()
        let id = current.invocation.requestID
        let timeout = current.timeout
        current.timer = Task { [weak self] in
            guard (try? await MachineClock.sleep(for: .seconds(timeout))) != nil else { return }
            self?.finish(id, .timedOut)
        }
        s.current = current
        let inv = current.invocation
        return RuntimeDelivery(
            requestID: inv.requestID, payload: inv.payload, deadlineMs: clock.virtualMilliseconds + Int64(timeout) * 1000,
            functionArn: current.functionArn, traceID: inv.traceID, clientContext: inv.clientContext)
    }

    /// A runtime that never asks for its first event within Lambda's init limit is stopped.
    private func watchInit(_ requestID: String) {
        Task { [weak self] in
            guard (try? await MachineClock.sleep(for: Self.initLimit)) != nil, let self else { return }
            let stalled = state.withLock { $0.current?.invocation.requestID == requestID && $0.current?.delivered == nil }
            if stalled { finish(requestID, .timedOut) }
        }
    }

    /// Ends the current invocation with `outcome`, if it is still the one named.
    @discardableResult
    private func finish(_ requestID: String?, _ outcome: Outcome) -> Bool {
        let continuation: CheckedContinuation<Outcome, Never>? = state.withLock { s in
            guard let current = s.current, requestID == nil || current.invocation.requestID == requestID else { return nil }
            guard !current.finished else { return nil }
            s.current?.finished = true
            current.timer?.cancel()
            if case .timedOut = outcome { s.retired = true }
            return current.continuation
        }
        guard let continuation else { return false }
        if case .timedOut = outcome { kill() }
        continuation.resume(returning: outcome)
        return true
    }

    // MARK: RuntimeAPIDelegate

    func next(_ connection: ObjectIdentifier, deliver: @escaping @Sendable (RuntimeDelivery) -> Void) {
        let action: Action = state.withLock { s in
            if s.initDuration == nil { s.initDuration = MachineClock.elapsed(since: launched) }
            if let current = s.current, current.delivered == nil, !current.finished {
                return .deliver(deliver, markDelivered(&s))
            }
            s.parked = (connection, deliver)
            return .none
        }
        perform(action)
    }

    func cancelNext(_ connection: ObjectIdentifier) {
        state.withLock { s in
            if s.parked?.connection == connection { s.parked = nil }
        }
    }

    func respond(_ requestID: String, body: Data) -> RuntimeAPIAnswer {
        finish(requestID, .response(body)) ? .accepted : .unknownRequest
    }

    func fail(_ requestID: String, errorType: String?, body: Data) -> RuntimeAPIAnswer {
        finish(requestID, .error(type: errorType ?? Self.errorType(in: body) ?? "Unhandled", body: body)) ? .accepted : .unknownRequest
    }

    func initError(errorType: String?, body: Data) -> RuntimeAPIAnswer {
        let allowed = state.withLock { s in
            guard s.initDuration == nil, !s.initFailed else { return false }
            s.initFailed = true
            s.initDuration = MachineClock.elapsed(since: launched)
            return true
        }
        guard allowed else { return .invalidState("State transition from Ready to InitError failed for runtime. Error: State transition is not allowed") }
        finish(nil, .error(type: errorType ?? Self.errorType(in: body) ?? "Runtime.Unknown", body: body))
        return .accepted
    }

    func responseTooLarge(_ requestID: String, size: Int) -> RuntimeAPIAnswer {
        finish(requestID, .responseTooLarge(size)) ? .accepted : .unknownRequest
    }

    // MARK: Lifetime

    /// The process ended (`exit status 1`, `signal: killed`).
    func exited(_ status: String) {
        state.withLock { $0.exit = status }
        finish(nil, .exited(status))
    }

    /// Stops the process and the Runtime API; the environment is never used again.
    func retire() {
        let server = state.withLock { s in
            s.retired = true
            return s.server
        }
        kill()
        server?.close()
        clock.remove()
    }

    private func kill() {
        state.withLock { $0.process }?.kill()
    }

    /// The process's peak resident set (VmHWM) in MB.
    var peakMemoryMB: Int? {
        guard let pid = state.withLock({ $0.process?.pid }),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return max(1, kb / 1024)
    }

    static func errorType(in body: Data) -> String? {
        (try? JSONValue(parsing: body))?["errorType"]?.stringValue
    }
}

/// The virtual clock as one environment's process sees it: the daemon writes, at each
/// invocation's start, the offset between the machine's wall clock and the invocation's
/// virtual instant into a small file the clock shim maps.
final class EnvironmentClock: Sendable {
    let url: URL
    private let fd: Int32
    private let offset = Mutex<Int64>(0)
    private let removed = Mutex(false)

    init(url: URL) {
        self.url = url
        fd = open(url.path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0o644)
        write(0)
    }

    /// From now on the process's wall clock reads `instant`, advancing at machine speed.
    func start(at instant: Date) {
        // Clamped: an offset past ±292 years does not fit in nanoseconds (nor matters to code).
        let seconds = min(max(instant.timeIntervalSince1970 - MachineClock.wallTime.timeIntervalSince1970, -9e9), 9e9)
        let ns = Int64(seconds * 1e9)
        offset.withLock { $0 = ns }
        write(ns)
    }

    /// The epoch milliseconds the process reads now.
    var virtualMilliseconds: Int64 {
        let wall = Int64(MachineClock.wallTime.timeIntervalSince1970 * 1000)
        return wall + offset.withLock { $0 } / 1_000_000
    }

    private func write(_ ns: Int64) {
        guard fd >= 0 else { return }
        var value = ns.littleEndian
        _ = withUnsafeBytes(of: &value) { pwrite(fd, $0.baseAddress, 8, 0) }
    }

    func remove() {
        guard
            !removed.withLock({ r in
                defer { r = true }; return r
            })
        else { return }
        if fd >= 0 { close(fd) }
        unlink(url.path)
    }
}
