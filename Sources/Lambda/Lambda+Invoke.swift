import CloudCafeCore
import CloudWatchLogsAPI
import Foundation
import LambdaAPI
import Synchronization

// MARK: - Operation

extension Lambda {
    static let syncPayloadLimit = 6_291_456
    static let asyncPayloadLimit = 1_048_576
    /// Idle execution environments kept per function.
    static let idleEnvironmentLimit = 10

    func invoke(_ input: InvocationRequest, _ ctx: CallContext) async throws -> InvocationResponse {
        let (base, qualifier) = try qualified(input.functionName, input.qualifier, ctx)
        let payload = input.payload.flatMap { $0.isEmpty ? nil : $0 } ?? Data("{}".utf8)
        let event: JSONValue
        do {
            event = try JSONValue(parsing: payload)
        } catch {
            throw LambdaError(code: .invalidRequestContent, message: "Could not parse request body into json: \(error)")
        }
        switch input.invocationType ?? "RequestResponse" {
        case "DryRun":
            return InvocationResponse(statusCode: 204, payload: Data())
        case "Event":
            guard payload.count <= Self.asyncPayloadLimit else { throw LambdaError.tooLarge(Self.asyncPayloadLimit) }
            // Accepted even when throttled: the event waits in the function's queue.
            enqueue(base, qualifier: qualifier == "$LATEST" ? nil : qualifier, payload: payload, requestID: dispatcher.ids.uuid(), cause: timelineCause(ctx))
            return InvocationResponse(statusCode: 202, payload: Data())
        case "RequestResponse":
            guard payload.count <= Self.syncPayloadLimit else { throw LambdaError.tooLarge(Self.syncPayloadLimit) }
            let f = try resolve(base, qualifier: qualifier)
            if let throttle = throttled(f) { throw throttle.error }
            let result = await run(f, event: event, payload: payload, clientContext: input.clientContext, cause: timelineCause(ctx))
            let tail = input.logType == "Tail" ? Data(result.logTail.utf8.suffix(4096)).base64EncodedString() : nil
            return InvocationResponse(
                statusCode: 200, functionError: result.failed ? "Unhandled" : nil, logResult: tail, payload: result.payload, executedVersion: f.version)
        default:
            // The model's enum constraint refuses any other type before the call gets here.
            throw LambdaError.validation(
                ConstraintViolation.message([.enumValue("invocationType", input.invocationType.map { "'\($0)'" }, ["Event", "RequestResponse", "DryRun"])]))
        }
    }
}

extension Lambda {
    /// What an invocation is an effect of on the timeline: the firing or event a service
    /// delivered it for (the rule's firing, not EventBridge's Invoke call); otherwise the
    /// Invoke call itself (a function's, a client's, SNS's Publish).
    func timelineCause(_ ctx: CallContext) -> String {
        guard let cause = ctx.causeID, let kind = dispatcher.timeline.entry(cause)?.kind, ["firing", "event"].contains(kind) else { return ctx.requestID }
        return cause
    }
}

// MARK: - The runtime

/// A warm sandbox of one function: its log stream lives as long as it does.
struct ExecutionEnvironment: Sendable {
    let logStream: String
}

/// What one invocation produced.
struct InvocationResult: Sendable {
    let payload: Data
    let failed: Bool
    /// The invocation's log lines; their text is made only for `LogType: Tail`.
    let lines: [LogLine]
    var logTail: String { lines.map { $0.message + "\n" }.joined() }
    var cold = false
    var duration: Duration = .zero
}

extension Lambda {
    /// Runs `f` once, its own code or its built-in handler. `payload` is the event as the
    /// caller sent it, which code receives byte for byte.
    /// On the timeline the invocation is an effect of `cause` (the Invoke call, a retry, a
    /// batch), and the cause of the calls its handler makes.
    func run(
        _ f: Function, event: JSONValue, payload: Data? = nil, requestID givenID: String? = nil, clientContext: String? = nil, cause: String? = nil,
        attempt: Int = 1
    ) async -> InvocationResult {
        let requestID = givenID ?? dispatcher.ids.uuid()
        // A retry runs under the same request id: its entry is told apart by the attempt.
        let entry = attempt > 1 ? "\(requestID)#\(attempt)" : requestID
        var details: [(String, JSONValue)] = [("function", .string(f.name)), ("version", .string(f.version)), ("requestId", .string(requestID))]
        if attempt > 1 { details.append(("attempt", .int(attempt))) }
        dispatcher.timeline.record("invocation", id: entry, cause: cause, time: dispatcher.clock.now, details: details)
        let result = await counted(f) {
            if runsCode(f), let codeRuntime {
                return await runCode(
                    f, codeRuntime, payload: payload ?? Data(event.compact.utf8), requestID: requestID, clientContext: clientContext, entry: entry)
            }
            return await runBuiltin(f, event: event, requestID: requestID, entry: entry)
        }
        let errorType = result.failed ? ((try? JSONValue(parsing: result.payload))?["errorType"]?.stringValue ?? "Unhandled") : nil
        dispatcher.timeline.annotate(
            entry,
            [
                ("cold", .bool(result.cold)), ("durationMs", .number(Digits.twoDecimals(Self.milliseconds(result.duration)))),
                ("result", .string(errorType ?? "ok")),
            ])
        return result
    }

    func runBuiltin(_ f: Function, event: JSONValue, requestID: String, entry: String) async -> InvocationResult {
        // Each version keeps its own warm environments.
        let key = Key(region: f.arn.region, name: "\(f.name):\(f.version)")
        let clock = dispatcher.clock
        let start = MachineClock.now
        let (env, cold) = takeEnvironment(key, version: f.version, clock.now)
        let initDuration = cold ? MachineClock.elapsed(since: start) : nil
        // The calls the handler makes were caused by this invocation.
        let role = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region, causeID: entry)
        let logger = FunctionLogger(clock: clock)
        if let notice = builtinNotice(f) { logger.log(notice) }
        logger.log("START RequestId: \(requestID) Version: \(f.version)")

        let handlerStart = MachineClock.now
        let outcome: Outcome
        switch resolveHandler(f) {
        case .failure(let initError):
            outcome = .failed(initError)
        case .success(let handler):
            let context = LambdaContext(
                requestID: requestID, functionName: f.name, functionArn: f.qualifiedArn, memoryLimitInMB: f.memorySize,
                environment: Self.environment(of: f, logStream: env.logStream), client: role, clock: clock, logger: logger,
                deadline: handlerStart.advanced(by: .seconds(f.timeout)))
            outcome = await Self.call(handler, event, context, timeout: .seconds(f.timeout))
        }
        let duration = MachineClock.elapsed(since: handlerStart)

        let payload: Data
        var keepEnvironment = true
        var status = ""
        switch outcome {
        case .returned(let value):
            payload = Data(value.pythonDumps.utf8)
        case .failed(let failure):
            logger.log("[ERROR] \(failure.errorType): \(failure.errorMessage)")
            payload = Data(
                JSONValue.object([
                    ("errorMessage", .string(failure.errorMessage)), ("errorType", .string(failure.errorType)),
                    ("requestId", .string(requestID)), ("stackTrace", .array([])),
                ]).pythonDumps.utf8)
        case .exited:
            let message = "RequestId: \(requestID) Error: Runtime exited without providing a reason"
            logger.log("\(message)\nRuntime.ExitError")
            payload = Self.errorPayload("Runtime.ExitError", message)
            keepEnvironment = false
        case .timedOut:
            let seconds = Digits.twoDecimals(Double(f.timeout))
            logger.log("\(Self.logTimestamp(clock.now)) \(requestID) Task timed out after \(seconds) seconds")
            payload = Self.errorPayload("Sandbox.Timedout", "RequestId: \(requestID) Error: Task timed out after \(seconds) seconds")
            keepEnvironment = false
            status = "\tStatus: timeout"
        }
        logger.log("END RequestId: \(requestID)")
        let ms = Self.milliseconds(duration)
        let billed = max(1, Int(ms.rounded(.up)))
        let initText = initDuration.map { "\tInit Duration: \(Digits.twoDecimals(Self.milliseconds($0))) ms" } ?? ""
        logger.log(
            "REPORT RequestId: \(requestID)\tDuration: \(Digits.twoDecimals(ms)) ms\tBilled Duration: \(billed) ms\tMemory Size: \(f.memorySize) MB\tMax Memory Used: \(Self.memoryUsed(limit: f.memorySize)) MB\(initText)\(status)"
        )
        // Warm environments are kept up to a bound per function, as Lambda reclaims idle ones.
        if keepEnvironment, idleEnvironments[key, default: []].count < Self.idleEnvironmentLimit { idleEnvironments[key, default: []].append(env) }

        let lines = logger.drain()
        // The runtime writes the log, not the handler: those calls are not the function's.
        let runtime = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region)
        await Self.ship(lines, group: "/aws/lambda/\(f.name)", stream: env.logStream, createStream: cold, as: runtime)
        let failed: Bool
        if case .returned = outcome { failed = false } else { failed = true }
        return InvocationResult(
            payload: payload, failed: failed, lines: lines, cold: cold, duration: duration)
    }

    /// A handler and the layers its imports are looked for in.
    struct ImportCheck: Hashable {
        let handler: String
        let layers: [ARN]
    }

    enum Outcome: Sendable {
        case returned(JSONValue)
        case failed(HandlerFailure)
        case exited
        case timedOut
    }

    /// Runs the handler, racing it against its timeout. A handler that overruns is abandoned,
    /// as AWS stops the sandbox; its late result is ignored.
    static func call(_ handler: any LambdaHandler, _ event: JSONValue, _ context: LambdaContext, timeout: Duration) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let race = Race(continuation)
            let work = Task {
                do {
                    race.finish(.returned(try await handler.handle(event, context: context)))
                } catch let failure as HandlerFailure {
                    race.finish(.failed(failure))
                } catch is RuntimeExit {
                    race.finish(.exited)
                } catch let error as AWSClientError {
                    race.finish(.failed(HandlerFailure(type: error.pythonExceptionName, message: error.botocoreMessage)))
                } catch {
                    race.finish(.failed(HandlerFailure(type: "Exception", message: String(describing: error))))
                }
            }
            race.setTicket(
                watchdog.arm(at: MachineClock.now.advanced(by: timeout)) {
                    work.cancel()
                    race.finish(.timedOut)
                })
        }
    }

    /// Every built-in handler's timeout, on one timer.
    static let watchdog = Watchdog()

    /// The first of a handler and its timeout to finish wins; the other is ignored.
    final class Race: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome, Never>?
            var ticket: Watchdog.Ticket?
        }

        private let state: Mutex<State>

        init(_ continuation: CheckedContinuation<Outcome, Never>) {
            state = Mutex(State(continuation: continuation))
        }

        func setTicket(_ ticket: Watchdog.Ticket) {
            let finished = state.withLock { s in
                s.ticket = ticket
                return s.continuation == nil
            }
            if finished { watchdog.disarm(ticket) }
        }

        func finish(_ outcome: Outcome) {
            let (continuation, ticket) = state.withLock { s in
                defer { s.continuation = nil }
                return (s.continuation, s.ticket)
            }
            guard let continuation else { return }
            if let ticket { watchdog.disarm(ticket) }
            continuation.resume(returning: outcome)
        }
    }

    /// Finds the handler a function's `Handler` string names, and checks its imports
    /// against the function's layers, failing as the Python runtime fails.
    func resolveHandler(_ f: Function) -> Result<any LambdaHandler, HandlerFailure> {
        let module = f.handler.pieces(".", maxSplits: 1).first.map(String.init) ?? f.handler
        guard let handler = handlers[f.handler] else {
            if f.handler.contains("."), handlers.keys.contains(where: { $0.hasPrefix(module + ".") }) {
                let name = String(f.handler.dropFirst(module.count + 1))
                return .failure(HandlerFailure(type: "Runtime.HandlerNotFound", message: "Handler '\(name)' missing on module '\(module)'"))
            }
            return .failure(HandlerFailure(type: "Runtime.ImportModuleError", message: "Unable to import module '\(module)': No module named '\(module)'"))
        }
        guard !handler.requiredModules.isEmpty else { return .success(handler) }
        let key = ImportCheck(handler: f.handler, layers: f.layers)
        if let known = importChecks[key] { return known.map { .failure($0) } ?? .success(handler) }
        var failure: HandlerFailure?
        let provided = f.layers.compactMap(layerVersion).flatMap(\.entries)
        for required in handler.requiredModules {
            let found = provided.contains { $0.hasPrefix("python/\(required)/") || $0.contains("/site-packages/\(required)/") }
            if !found {
                failure = HandlerFailure(type: "Runtime.ImportModuleError", message: "Unable to import module '\(module)': No module named '\(required)'")
                break
            }
        }
        if importChecks.count >= 1000 { importChecks.removeAll() }
        importChecks[key] = .some(failure)
        return failure.map { .failure($0) } ?? .success(handler)
    }

    func takeEnvironment(_ key: Key, version: String, _ now: Date) -> (ExecutionEnvironment, cold: Bool) {
        if var idle = idleEnvironments[key], !idle.isEmpty {
            let env = idle.removeLast()
            idleEnvironments[key] = idle
            return (env, false)
        }
        let day = Self.streamDate(now)
        return (ExecutionEnvironment(logStream: "\(day)/[\(version)]\(dispatcher.ids.hex(32))"), true)
    }

    static func environment(of f: Function, logStream: String) -> [String: String] {
        var env = f.environment
        env["AWS_REGION"] = f.arn.region
        env["AWS_DEFAULT_REGION"] = f.arn.region
        env["AWS_LAMBDA_FUNCTION_NAME"] = f.name
        env["AWS_LAMBDA_FUNCTION_VERSION"] = f.version
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = String(f.memorySize)
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/\(f.name)"
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = logStream
        if let runtime = f.runtime { env["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(runtime)" }
        return env
    }

    /// Writes an invocation's lines to the function's log group, as the Lambda service does with
    /// the function's role: a new execution environment (`cold`) creates the group if need be
    /// and its stream; a warm one only puts events, and makes both again should they have been
    /// deleted meanwhile. A group that exists needs no logs:CreateLogGroup. Without the logs
    /// permissions AWS drops the lines silently, and so does CloudCafe.
    static func ship(_ lines: [LogLine], group: String, stream: String, createStream cold: Bool, as role: AWSClient) async {
        let put = {
            try await role.send(
                CloudWatchLogsOperations.putLogEvents,
                PutLogEventsRequest(
                    logGroupName: group, logStreamName: stream, logEvents: lines.map { InputLogEvent(timestamp: $0.timestamp, message: $0.message) }))
        }
        if cold {
            guard await createLogStream(group: group, stream: stream, as: role) else { return }
        }
        do {
            _ = try await put()
        } catch let e as AWSClientError where e.error.errorCode == "ResourceNotFoundException" && !cold {
            guard await createLogStream(group: group, stream: stream, as: role) else { return }
            _ = try? await put()
        } catch {}
    }

    /// Creates the group (unless it exists) and the stream; false when the stream cannot be had.
    private static func createLogStream(group: String, stream: String, as role: AWSClient) async -> Bool {
        _ = try? await role.send(CloudWatchLogsOperations.createLogGroup, CreateLogGroupRequest(logGroupName: group))
        do {
            _ = try await role.send(CloudWatchLogsOperations.createLogStream, CreateLogStreamRequest(logGroupName: group, logStreamName: stream))
        } catch let e as AWSClientError where e.error.errorCode == "ResourceAlreadyExistsException" {
        } catch {
            return false
        }
        return true
    }

    static func milliseconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }

    /// The process's resident memory in MB, capped at the function's size: the honest
    /// figure for handlers that share one process.
    static func memoryUsed(limit: Int) -> Int {
        // statm is read again from its start through one descriptor kept open: opening the
        // file per invocation cost more than the rest of the REPORT line.
        guard statm >= 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
            let n = pread(statm, buffer.baseAddress, buffer.count, 0)
            guard n > 0 else { return 0 }
            // The second field: resident pages.
            var i = 0
            while i < n, buffer[i] != UInt8(ascii: " ") { i += 1 }
            i += 1
            var pages = 0
            var digits = 0
            while i < n, buffer[i] >= UInt8(ascii: "0"), buffer[i] <= UInt8(ascii: "9"), digits < 18 {
                pages = pages * 10 + Int(buffer[i] - UInt8(ascii: "0"))
                i += 1
                digits += 1
            }
            guard digits > 0 else { return 0 }
            return min(limit, pages * Self.pageSize / 1_048_576)
        }
    }

    private static let statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func streamDate(_ date: Date) -> String {
        let c = CivilTime(date)
        return "\(Digits.padded(c.year, 4))/\(Digits.padded(c.month, 2))/\(Digits.padded(c.day, 2))"
    }

    /// `2026-11-28T20:00:03.020Z`, as the runtime stamps its own lines.
    static func logTimestamp(_ date: Date) -> String {
        let c = CivilTime(date)
        return c.isoDateTime + "." + Digits.padded(c.millisecond, 3) + "Z"
    }
}
