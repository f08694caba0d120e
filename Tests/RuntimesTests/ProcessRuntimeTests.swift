import CloudCafeCore
import Foundation
import Runtimes
import Testing
import ZIPFoundation

/// Real processes behind the Runtime API: each function here is a `provided.al2023`
/// `bootstrap` shell script that talks to its environment's endpoint with curl.
@Suite struct ProcessRuntimeTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("runtimes-tests-\(UUID().uuidString)")

    func runtime(maxProcesses: Int = 4) -> ProcessRuntime {
        ProcessRuntime(
            clock: VirtualClock(start: Date(timeIntervalSince1970: 1_795_809_540), rate: 0), endpoint: "http://127.0.0.1:9",
            installation: RuntimeInstallation(root: work.appendingPathComponent("cache")), maxProcesses: maxProcesses,
            workDirectory: work.appendingPathComponent("run"))
    }

    /// A bootstrap that answers each event with what `respond` (shell, with `$EVENT` and `$ID`) prints.
    static func bootstrap(_ respond: String) -> String {
        """
        #!/bin/sh
        API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
        while true; do
          HEADERS="$(mktemp)"
          EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
          ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
          \(respond)
        done
        """
    }

    func function(_ name: String, _ bootstrap: String, timeout: Int = 3) throws -> CodeFunction {
        let archive = try Archive(accessMode: .create, pathEncoding: nil)
        let data = Data(bootstrap.utf8)
        try archive.addEntry(with: "bootstrap", type: .file, uncompressedSize: Int64(data.count), permissions: 0o755) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
        let zip = archive.data ?? Data()
        return CodeFunction(
            key: "us-east-1/\(name)", generation: "1", name: name, arn: "arn:aws:lambda:us-east-1:000000000000:function:\(name)", region: "us-east-1",
            version: "$LATEST", runtime: "provided.al2023", handler: "function.handler", memorySize: 128, timeout: timeout, variables: ["GREETING": "hi"],
            code: zip, codeSha256: String(zip.hashValue),
            layers: [],
            credentials: { SessionCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: .distantFuture) },
            newLogStream: { _ in "2026/11/27/[$LATEST]0123" })
    }

    func invocation(_ payload: String = #"{"n":1}"#) -> CodeInvocation {
        CodeInvocation(requestID: UUID().uuidString.lowercased(), payload: Data(payload.utf8), clientContext: nil, traceID: "Root=1-0-0")
    }

    func text(_ outcome: CodeInvocationResult.Outcome) -> String? {
        if case .response(let data) = outcome { return String(decoding: data, as: UTF8.self) }
        return nil
    }

    @Test func anEventGoesThroughTheRuntimeAPIAndTheEnvironmentStaysWarm() async throws {
        let runtime = runtime()
        let f = try function(
            "echo",
            Self.bootstrap(#"echo "got $EVENT"; curl -sS "$API/invocation/$ID/response" -d "{\"event\": $EVENT, \"greeting\": \"$GREETING\"}" >/dev/null"#))
        let first = await runtime.invoke(f, invocation())
        #expect(text(first.outcome) == #"{"event": {"n":1}, "greeting": "hi"}"#)
        #expect(first.cold && first.initDuration != nil)
        #expect(first.lines.map(\.message) == [#"got {"n":1}"#])
        let second = await runtime.invoke(f, invocation(#"{"n":2}"#))
        #expect(text(second.outcome) == #"{"event": {"n":2}, "greeting": "hi"}"#)
        #expect(!second.cold && second.logStream == first.logStream)
        await runtime.shutdown()
    }

    @Test func theRuntimeAPIRefusesWhatLambdaRefuses() async throws {
        let runtime = runtime()
        let probe = #"""
            code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
            UNKNOWN=$(code -X POST "$API/invocation/nope/response" -d x)
            PATH404=$(code "$API/elsewhere")
            METHOD=$(code -X POST "$API/invocation/next")
            INIT=$(code -X POST "$API/init/error" -d '{}')
            curl -sS "$API/invocation/$ID/response" -d "{\"unknown\": $UNKNOWN, \"path\": $PATH404, \"method\": $METHOD, \"init\": $INIT}" >/dev/null
            """#
        let result = await runtime.invoke(try function("probe", Self.bootstrap(probe)), invocation())
        #expect(text(result.outcome) == #"{"unknown": 400, "path": 404, "method": 405, "init": 403}"#)
        await runtime.shutdown()
    }

    @Test func errorsExitsOversizedResponsesAndTimeoutsEndTheInvocation() async throws {
        let runtime = runtime()
        let error =
            #"curl -sS -H 'Lambda-Runtime-Function-Error-Type: Custom.Error' "$API/invocation/$ID/error" -d '{"errorType":"Custom.Error","errorMessage":"no"}' >/dev/null"#
        let failed = await runtime.invoke(try function("error", Self.bootstrap(error)), invocation())
        #expect(failed.outcome == .error(type: "Custom.Error", body: Data(#"{"errorType":"Custom.Error","errorMessage":"no"}"#.utf8)))

        let exited = await runtime.invoke(try function("exit", Self.bootstrap("exit 3")), invocation())
        #expect(exited.outcome == .exited("exit status 3"))

        let big = #"head -c 7000000 /dev/zero | tr '\0' a > "$HEADERS.body"; curl -sS "$API/invocation/$ID/response" --data-binary "@$HEADERS.body" >/dev/null"#
        let tooLarge = await runtime.invoke(try function("big", Self.bootstrap(big)), invocation())
        #expect(tooLarge.outcome == .responseTooLarge(7_000_000))

        let started = MachineClock.now
        let slow = await runtime.invoke(try function("slow", Self.bootstrap("sleep 30"), timeout: 1), invocation())
        #expect(slow.outcome == .timedOut)
        #expect(MachineClock.elapsed(since: started) < .seconds(10))
        await runtime.shutdown()
    }

    @Test func aTelemetryFrameIsOneLogEvent() async throws {
        let runtime = runtime()
        // Type 0xa55a0003, length 7, a timestamp of 1 s in microseconds, then the message.
        let framed = #"""
            printf '\245\132\000\003\000\000\000\007\000\000\000\000\000\017\102\100one\ntwo' >&3
            curl -sS "$API/invocation/$ID/response" -d '"ok"' >/dev/null
            """#
        let result = await runtime.invoke(try function("framed", Self.bootstrap(framed)), invocation())
        #expect(text(result.outcome) == #""ok""#)
        #expect(result.lines == [LogLine(timestamp: 1000, message: "one\ntwo")])
        await runtime.shutdown()
    }

    @Test func beyondTheCapInvocationsWaitForAProcess() async throws {
        let runtime = runtime(maxProcesses: 1)
        let answer = #"sleep 0.2; curl -sS "$API/invocation/$ID/response" -d '"done"' >/dev/null"#
        let a = try function("a", Self.bootstrap(answer))
        let b = try function("b", Self.bootstrap(answer))
        async let first = runtime.invoke(a, invocation())
        async let second = runtime.invoke(b, invocation())
        let results = await [first, second]
        #expect(results.map { text($0.outcome) } == [#""done""#, #""done""#])
        #expect(await runtime.liveProcesses <= 1)
        await runtime.shutdown()
        #expect(await runtime.liveProcesses == 0)
    }

    @Test func aMissingBootstrapOrRuntimeIsSaidPlainly() async throws {
        let runtime = runtime()
        var f = try function("nobootstrap", "")
        f = CodeFunction(
            key: f.key, generation: f.generation, name: f.name, arn: f.arn, region: f.region, version: f.version, runtime: "provided.al2023",
            handler: f.handler, memorySize: 128, timeout: 3, variables: [:], code: Data(), codeSha256: "empty", layers: [], credentials: f.credentials,
            newLogStream: f.newLogStream)
        let missing = await runtime.invoke(f, invocation())
        guard case .unavailable(let type, let message) = missing.outcome else { Issue.record("expected unavailable, got \(missing.outcome)"); return }
        #expect(type == "Runtime.InvalidEntrypoint")
        #expect(message.hasPrefix("Couldn't find valid bootstrap(s): ["))
        let python = CodeFunction(
            key: "us-east-1/py", generation: "1", name: "py", arn: f.arn, region: f.region, version: f.version, runtime: "python3.11", handler: "h.h",
            memorySize: 128, timeout: 3, variables: [:], code: Data(), codeSha256: "empty", layers: [], credentials: f.credentials, newLogStream: f.newLogStream
        )
        let noRuntime = await runtime.invoke(python, invocation())
        guard case .unavailable(_, let text) = noRuntime.outcome else { Issue.record("expected unavailable"); return }
        #expect(text.contains("cloudcafe runtimes install"))
        await runtime.shutdown()
    }
}
