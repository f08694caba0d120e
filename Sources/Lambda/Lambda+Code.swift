import CloudCafeCore
import Foundation
import STSAPI
import ZIPFoundation

// Functions that run their own uploaded code, through the Engine's code runtime.
extension Lambda {
    /// The tag that chooses what runs: `code` (the package) or `builtin` (the in-process handler).
    static let runtimeTag = "cloudcafe:runtime"

    /// Whether `f` runs its package rather than an in-process handler: always when no built-in
    /// has its handler, and when its tag asks for code.
    func runsCode(_ f: Function) -> Bool {
        guard codeRuntime != nil else { return false }
        if f.tags[Self.runtimeTag] == "code" { return true }
        return handlers[f.handler] == nil
    }

    /// The entry of the package that holds the code its handler names (`salesAnalysisReport.py`
    /// defining `lambda_handler`, or a `bootstrap`), when there is one.
    static func packagedEntry(for f: Function) -> String? {
        guard let archive = try? Archive(data: f.code, accessMode: .read, pathEncoding: nil) else { return nil }
        if f.runtime?.hasPrefix("provided") == true { return archive["bootstrap"] == nil ? nil : "bootstrap" }
        let parts = f.handler.pieces(".")
        guard parts.count >= 2, let function = parts.last else { return nil }
        let module = parts.dropLast().joined(separator: "/")
        for name in ["\(module).py", "\(module)/__init__.py"] {
            guard let entry = archive[name], entry.uncompressedSize < 1 << 20 else { continue }
            var text = Data()
            _ = try? archive.extract(entry, skipCRC32: true) { text.append($0) }
            if String(decoding: text, as: UTF8.self).contains("def \(function)(") { return name }
        }
        return nil
    }

    /// Said once per function in its log: it runs a built-in though its package holds code.
    func builtinNotice(_ f: Function) -> String? {
        let key = Key(region: f.arn.region, name: f.name)
        guard codeRuntime != nil, !builtinNoticed.contains(key), builtinChecked.updateValue(f.codeSha256, forKey: key) != f.codeSha256,
            let entry = Self.packagedEntry(for: f)
        else { return nil }
        builtinNoticed.insert(key)
        return
            "CloudCafe: \(f.name) runs its built-in handler \(f.handler), not the \(entry) in its package. To run the package's code, tag the function \(Self.runtimeTag)=code: `aws lambda tag-resource --resource \(f.arn) --tags \(Self.runtimeTag)=code` or `cloudcafe use-code \(f.name)`."
    }

    /// The function as its execution environments need it.
    func codeFunction(_ f: Function) -> CodeFunction {
        let dispatcher = self.dispatcher
        let role = f.role.description
        let session = String(f.name.prefix(64))
        let region = f.arn.region
        let layers = f.layers.compactMap(layerVersion).map { (sha256: $0.codeSha256, content: $0.content) }
        return CodeFunction(
            key: "\(region)/\(f.name):\(f.version)", generation: "\(f.codeSha256)|\(f.revisionID)", name: f.name, arn: f.qualifiedArn,
            region: region, version: f.version, runtime: f.runtime, handler: f.handler, memorySize: f.memorySize, timeout: f.timeout,
            variables: f.environment, code: f.code, codeSha256: f.codeSha256, layers: layers,
            credentials: {
                // Lambda assumes the execution role once per environment, as the service.
                let lambda = dispatcher.client(as: .service("lambda.amazonaws.com"), region: region)
                let answer = try await lambda.send(STSOperations.assumeRole, AssumeRoleRequest(roleArn: role, roleSessionName: session, durationSeconds: 3600))
                guard let c = answer.credentials else { throw LambdaError.invalid("The role defined for the function cannot be assumed by Lambda.") }
                return SessionCredentials(
                    accessKeyID: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration)
            },
            newLogStream: { [ids = dispatcher.ids, version = f.version] now in "\(Self.streamDate(now))/[\(version)]\(ids.hex(32))" })
    }

    /// Runs `f`'s own code once and frames its log as Lambda does.
    func runCode(_ f: Function, _ runtime: any CodeRuntime, payload: Data, requestID: String, clientContext: String?, entry: String) async -> InvocationResult {
        let start = dispatcher.clock.now
        let startMs = start.epochMillis
        let trace = "Root=1-\(String(Int(start.timeIntervalSince1970), radix: 16))-\(dispatcher.ids.hex(24));Parent=\(dispatcher.ids.hex(16));Sampled=0"
        var function = codeFunction(f)
        function.bindCause = { [dispatcher] cause, key in dispatcher.bindCause(cause, toAccessKey: key) }
        let result = await runtime.invoke(
            function, CodeInvocation(requestID: requestID, payload: payload, clientContext: clientContext, traceID: trace, timelineID: entry))
        var log = LogSequence()
        log.append(result.initLines)
        log.append(LogLine(timestamp: startMs, message: "START RequestId: \(requestID) Version: \(f.version)"))
        log.append(result.lines)

        let payload: Data
        var failed = true
        var status = ""
        switch result.outcome {
        case .response(let body):
            payload = body
            failed = false
        case .error(_, let body):
            payload = body
        case .exited(let reason):
            let message =
                "RequestId: \(requestID) Error: "
                + (reason == "exit status 0" ? "Runtime exited without providing a reason" : "Runtime exited with error: \(reason)")
            log.append(LogLine(timestamp: log.last, message: "\(message)\nRuntime.ExitError"))
            payload = Self.errorPayload("Runtime.ExitError", message)
        case .timedOut:
            let seconds = Digits.twoDecimals(Double(f.timeout))
            let at = startMs + Int(Self.milliseconds(result.duration))
            log.append(
                LogLine(
                    timestamp: at,
                    message: "\(Self.logTimestamp(Date(timeIntervalSince1970: Double(at) / 1000))) \(requestID) Task timed out after \(seconds) seconds"))
            payload = Self.errorPayload("Sandbox.Timedout", "RequestId: \(requestID) Error: Task timed out after \(seconds) seconds")
            status = "\tStatus: timeout"
        case .responseTooLarge(let size):
            payload = Self.errorPayload(
                "Function.ResponseSizeTooLarge", "Response payload size (\(size) bytes) exceeded maximum allowed payload size (6291556 bytes).")
        case .unavailable(let type, let message):
            let text = "RequestId: \(requestID) Error: \(message)"
            log.append(LogLine(timestamp: log.last, message: "\(text)\n\(type)"))
            payload = Self.errorPayload(type, text)
        }
        let end = startMs + Int(Self.milliseconds(result.duration))
        log.append(LogLine(timestamp: end, message: "END RequestId: \(requestID)"))
        let ms = Self.milliseconds(result.duration)
        let initText = result.initDuration.map { "\tInit Duration: \(Digits.twoDecimals(Self.milliseconds($0))) ms" } ?? ""
        log.append(
            LogLine(
                timestamp: end,
                message:
                    "REPORT RequestId: \(requestID)\tDuration: \(Digits.twoDecimals(ms)) ms\tBilled Duration: \(max(1, Int(ms.rounded(.up)))) ms\tMemory Size: \(f.memorySize) MB\tMax Memory Used: \(min(f.memorySize, result.maxMemoryMB ?? 0)) MB\(initText)\(status)"
            ))
        let runtime = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region)
        await Self.ship(log.lines, group: "/aws/lambda/\(f.name)", stream: result.logStream, createStream: result.cold, as: runtime)
        return InvocationResult(
            payload: payload, failed: failed, lines: log.lines, cold: result.cold, duration: result.duration)
    }

    static func errorPayload(_ type: String, _ message: String) -> Data {
        Data(JSONValue.object([("errorType", .string(type)), ("errorMessage", .string(message))]).compact.utf8)
    }

}

/// Log events in the order CloudWatch Logs requires: a line stamped earlier than the one
/// before it (the process's clock and the daemon's differ by microseconds) takes that one's time.
struct LogSequence {
    private(set) var lines: [LogLine] = []

    var last: Int { lines.last?.timestamp ?? 0 }

    mutating func append(_ line: LogLine) {
        lines.append(LogLine(timestamp: max(last, line.timestamp), message: line.message))
    }

    mutating func append(_ more: [LogLine]) {
        for line in more { append(line) }
    }
}
