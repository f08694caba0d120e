public import CloudCafeCore
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs functions' own code as local processes that speak the Lambda Runtime API: `python3.x`
/// through AWS's runtime interface client, `provided.al2023`/`provided.al2` through the
/// package's `bootstrap`. Environments are pooled per function and generation, one
/// invocation at a time each, up to `maxProcesses` live processes (callers queue beyond it),
/// and retired when idle too long, on change, or before their credentials expire.
public actor ProcessRuntime: CodeRuntime {
    let clock: VirtualClock
    let endpoint: String
    let installation: RuntimeInstallation
    let maxProcesses: Int
    let workDirectory: URL
    let code: CodeStore

    /// Warm environments, least recently used first.
    private var idle: [ProcessEnvironment] = []
    /// Every environment started and not yet retired.
    private var live: [ObjectIdentifier: ProcessEnvironment] = [:]
    /// Slots being launched count against the cap before their environment exists.
    private var launching = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// The generation each function runs now: an environment of another is not reused.
    private var generations: [String: String] = [:]
    private var pythonVersions: [String: String] = [:]
    /// Functions already told, once, that their Python version runs on another.
    private var noticed: Set<String> = []
    private var reaper: Task<Void, Never>?

    /// Idle environments are retired after this much virtual time, as Lambda reclaims them…
    static let virtualIdleLimit: TimeInterval = 15 * 60
    /// …or this much machine time, whichever comes first, so processes do not linger.
    static let machineIdleLimit: Duration = .seconds(300)

    public init(clock: VirtualClock, endpoint: String, installation: RuntimeInstallation = RuntimeInstallation(), maxProcesses: Int = 32, workDirectory: URL) {
        self.clock = clock
        self.endpoint = endpoint
        self.installation = installation
        self.maxProcesses = max(1, maxProcesses)
        self.workDirectory = workDirectory
        self.code = CodeStore(root: workDirectory.appendingPathComponent("code"))
    }

    /// A work folder for this daemon under the system's temporary folder (created on first use).
    public static func makeWorkDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cloudcafe-runtime-\(getpid())")
    }

    /// Removes the work folders that daemons killed outright left behind: once, when the
    /// first environment starts, not at every start-up.
    private static func sweepLeftovers(beside folder: URL) {
        let tmp = folder.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tmp.path) else { return }
        for name in names where name.hasPrefix("cloudcafe-runtime-") {
            if let pid = Int32(name.dropFirst("cloudcafe-runtime-".count)), Glibc.kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
    }

    public func invoke(_ f: CodeFunction, _ invocation: CodeInvocation) async -> CodeInvocationResult {
        generations[f.key] = f.generation
        let start = clock.now
        var notices: [LogLine] = []
        let env: ProcessEnvironment
        let cold: Bool
        if let warm = takeIdle(f, at: start) {
            env = warm
            cold = false
        } else {
            await acquireSlot()
            switch await launch(f, at: start, notices: &notices) {
            case .success(let fresh):
                env = fresh
                cold = true
            case .failure(let failure):
                launching -= 1
                wakeWaiter()
                return CodeInvocationResult(
                    outcome: .unavailable(type: failure.type, message: failure.message), initLines: notices, lines: [], cold: true, initDuration: nil,
                    duration: .zero, logStream: failure.logStream)
            }
        }
        f.bindCause(invocation.timelineID, env.accessKey)
        let (outcome, duration, initLines) = await env.invoke(invocation, functionArn: f.arn, timeout: f.timeout, virtualStart: start)
        f.bindCause(nil, env.accessKey)
        let lines = env.pump.collect()
        let memory = env.peakMemoryMB
        if env.usable, generations[f.key] == env.generation {
            idle.append(env)
            wakeWaiter()
        } else {
            retire(env)
        }
        return CodeInvocationResult(
            outcome: outcome, initLines: notices + initLines, lines: lines, cold: cold, initDuration: cold ? env.initDuration : nil, duration: duration,
            logStream: env.logStream, maxMemoryMB: memory)
    }

    /// `key` names a function exactly, or ends in `:` to name all of its versions.
    public func retire(function key: String) {
        let named = { (k: String) in key.hasSuffix(":") ? k.hasPrefix(key) : k == key }
        for k in generations.keys where named(k) { generations[k] = nil }
        for env in idle where named(env.functionKey) { retire(env) }
    }

    public func retireAll() {
        generations = [:]
        noticed = []
        for env in live.values { retire(env) }
    }

    /// Retires every environment and removes the work folder (the daemon is stopping).
    public func shutdown() {
        reaper?.cancel()
        retireAll()
        try? FileManager.default.removeItem(at: workDirectory)
    }

    /// How many processes are alive now.
    public var liveProcesses: Int { live.count }

    // MARK: - The pool

    private func takeIdle(_ f: CodeFunction, at now: Date) -> ProcessEnvironment? {
        var found: ProcessEnvironment?
        for env in idle.reversed() where env.functionKey == f.key {
            if found == nil, env.generation == f.generation, env.usable, fresh(env, now: now, timeout: f.timeout) {
                found = env
            } else if env.generation != f.generation || !env.usable || !fresh(env, now: now, timeout: f.timeout) {
                retire(env)
            }
        }
        if let found { idle.removeAll { $0 === found } }
        return found
    }

    /// Not idle too long on either clock, and its credentials outlast the invocation.
    private func fresh(_ env: ProcessEnvironment, now: Date, timeout: Int) -> Bool {
        guard now.addingTimeInterval(TimeInterval(timeout) + 60) < env.credentialsExpire else { return false }
        guard let last = env.lastUsed else { return true }
        return now.timeIntervalSince(last.virtual) <= Self.virtualIdleLimit && MachineClock.elapsed(since: last.machine) <= Self.machineIdleLimit
    }

    private func acquireSlot() async {
        while true {
            if live.count + launching < maxProcesses {
                launching += 1
                return
            }
            if let oldest = idle.first {
                retire(oldest)
                continue
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func wakeWaiter() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    private func retire(_ env: ProcessEnvironment) {
        idle.removeAll { $0 === env }
        guard live.removeValue(forKey: ObjectIdentifier(env)) != nil else { return }
        env.retire()
        wakeWaiter()
    }

    private func reap() {
        let now = clock.now
        for env in idle where !env.usable || !fresh(env, now: now, timeout: 0) { retire(env) }
    }

    // MARK: - Launching

    struct LaunchFailure: Error {
        let type: String
        let message: String
        let logStream: String
    }

    private struct Plan {
        let executable: String
        let arguments: [String]
        let environment: [String: String]
    }

    private func launch(_ f: CodeFunction, at now: Date, notices: inout [LogLine]) async -> Result<ProcessEnvironment, LaunchFailure> {
        let logStream = f.newLogStream(now)
        let stamp = now.epochMillis
        func failure(_ type: String, _ message: String) -> Result<ProcessEnvironment, LaunchFailure> {
            .failure(LaunchFailure(type: type, message: message, logStream: logStream))
        }
        let taskRoot: URL
        let opt: URL
        do {
            taskRoot = try await code.taskRoot(f.code, sha256: f.codeSha256)
            opt = try await code.opt(f.layers)
        } catch {
            return failure("Runtime.Unavailable", "Lambda could not unpack the function's code: \(error)")
        }
        let plan: Plan
        switch runtimePlan(f, taskRoot: taskRoot, opt: opt) {
        case .success(let (p, notice)):
            plan = p
            if let notice, noticed.insert(f.key).inserted { notices.append(LogLine(timestamp: stamp, message: notice)) }
            if installation.clockShim == nil, noticed.insert("clock|" + f.key).inserted {
                notices.append(
                    LogLine(
                        timestamp: stamp,
                        message:
                            "CloudCafe: the clock shim is not installed, so this function's code reads the machine's clock, not the virtual one: run `cloudcafe runtimes install`."
                    ))
            }
        case .failure(let e):
            return failure(e.type, e.message)
        }
        let credentials: SessionCredentials
        do {
            credentials = try await f.credentials()
        } catch {
            return failure("Runtime.Unavailable", "Lambda could not assume the function's execution role: \(error)")
        }
        do {
            try FileManager.default.createDirectory(at: workDirectory.appendingPathComponent("clock"), withIntermediateDirectories: true)
        } catch {
            return failure("Runtime.Unavailable", "Lambda could not prepare the environment: \(error)")
        }
        let clockFile = EnvironmentClock(url: workDirectory.appendingPathComponent("clock/\(UUID().uuidString)"))
        clockFile.start(at: now)
        let stdout: OutputPipe
        let stderr: OutputPipe
        let telemetry: OutputPipe
        do {
            stdout = try OutputPipe()
            stderr = try OutputPipe()
            telemetry = try OutputPipe()
        } catch {
            clockFile.remove()
            return failure("Runtime.Unavailable", "Lambda could not start the environment: \(error.reason)")
        }
        let pump = OutputPump(stdout: stdout.read, stderr: stderr.read, telemetry: telemetry.read) { Int(clockFile.virtualMilliseconds) }
        let env = ProcessEnvironment(
            functionKey: f.key, generation: f.generation, logStream: logStream, credentialsExpire: credentials.expiration, accessKey: credentials.accessKeyID,
            clock: clockFile, pump: pump)
        let server: RuntimeAPIServer
        do {
            server = try await RuntimeAPIServer.start(env)
        } catch {
            for fd in [stdout.read, stdout.write, stderr.read, stderr.write, telemetry.read, telemetry.write] { close(fd) }
            clockFile.remove()
            return failure("Runtime.Unavailable", "Lambda could not open the Runtime API: \(error)")
        }
        var variables = f.variables
        for (k, v) in plan.environment { variables[k] = v }
        for (k, v) in awsVariables(f, logStream: logStream, taskRoot: taskRoot, port: server.port, credentials: credentials, clock: clockFile) {
            variables[k] = v
        }
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                plan.executable, arguments: plan.arguments, environment: variables, directory: taskRoot.path, stdout: stdout.write, stderr: stderr.write,
                fd3: telemetry.write)
        } catch {
            for fd in [stdout.read, stdout.write, stderr.read, stderr.write, telemetry.read, telemetry.write] { close(fd) }
            server.close()
            clockFile.remove()
            return failure("Runtime.InvalidEntrypoint", "fork/exec \(plan.executable): \(error.reason)")
        }
        for fd in [stdout.write, stderr.write, telemetry.write] { close(fd) }
        env.attach(process: process, server: server)
        pump.start(process) { [weak env] status in env?.exited(status) }
        launching -= 1
        live[ObjectIdentifier(env)] = env
        startReaper()
        return .success(env)
    }

    private func startReaper() {
        guard reaper == nil else { return }
        Self.sweepLeftovers(beside: workDirectory)
        reaper = Task { [weak self] in
            while !Task.isCancelled {
                guard (try? await MachineClock.sleep(for: .seconds(30))) != nil else { return }
                await self?.reap()
            }
        }
    }

    /// The variables AWS sets in every execution environment, and those that point the
    /// code's SDKs and clock at CloudCafe.
    private func awsVariables(
        _ f: CodeFunction, logStream: String, taskRoot: URL, port: Int, credentials: SessionCredentials, clock: EnvironmentClock
    ) -> [String: String] {
        var v: [String: String] = [
            "_HANDLER": f.handler, "AWS_LAMBDA_FUNCTION_NAME": f.name, "AWS_LAMBDA_FUNCTION_VERSION": f.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(f.memorySize), "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(f.name)",
            "AWS_LAMBDA_LOG_STREAM_NAME": logStream, "AWS_REGION": f.region, "AWS_DEFAULT_REGION": f.region,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "LAMBDA_TASK_ROOT": taskRoot.path, "TZ": ":UTC", "LANG": "C.UTF-8",
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(port)", "AWS_ACCESS_KEY_ID": credentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey, "AWS_SESSION_TOKEN": credentials.sessionToken, "AWS_ENDPOINT_URL": endpoint,
            // The user's own AWS configuration never leaks into a function.
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "_LAMBDA_TELEMETRY_LOG_FD": "3", "CLOUDCAFE_CLOCK_FILE": clock.url.path,
        ]
        if let runtime = f.runtime { v["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(runtime)" }
        if let shim = installation.clockShim { v["LD_PRELOAD"] = shim.path }
        return v
    }

    /// The interpreter named `name` on PATH and its version, when it runs.
    private func interpreter(_ name: String) -> (String, String)? {
        guard let path = RuntimeInstallation.executable(named: name) else { return nil }
        if let known = pythonVersions[path] { return known.isEmpty ? nil : (path, known) }
        let version = (try? RuntimeInstallation.pythonVersion(path)) ?? ""
        pythonVersions[path] = version
        return version.isEmpty ? nil : (path, version)
    }

    /// What to start for the function's runtime, and a note for its log when the machine
    /// lacks the exact version asked for.
    private func runtimePlan(_ f: CodeFunction, taskRoot: URL, opt: URL) -> Result<(Plan, String?), LaunchFailure> {
        let runtime = f.runtime ?? ""
        let optPath = opt.path
        let libraryPath = ["\(optPath)/lib", "\(taskRoot.path)/lib"].joined(separator: ":")
        let path = "\(optPath)/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        if runtime.hasPrefix("python3") {
            // The exact interpreter when the machine has it (and it runs: a pyenv shim may not), else python3.
            guard let (python, version) = [runtime, "python3"].lazy.compactMap({ self.interpreter($0) }).first else {
                return .failure(
                    LaunchFailure(type: "Runtime.Unavailable", message: "No Python interpreter is on this machine (\(runtime) or python3).", logStream: ""))
            }
            guard installation.hasPython(version) else {
                return .failure(
                    LaunchFailure(
                        type: "Runtime.Unavailable",
                        message:
                            "The \(version) runtime (awslambdaric and boto3) is not installed in \(installation.root.path): run `cloudcafe runtimes install` (make does), then invoke again.",
                        logStream: ""))
            }
            let runtimeDir = installation.pythonDirectory(version).path
            let notice = version == runtime ? nil : "CloudCafe: this machine has no \(runtime); the function runs on \(version)."
            let pythonPath = [taskRoot.path, "\(optPath)/python/lib/\(version)/site-packages", "\(optPath)/python", runtimeDir].joined(separator: ":")
            return .success(
                (
                    Plan(
                        executable: python, arguments: ["-m", "awslambdaric", f.handler],
                        environment: [
                            "PYTHONPATH": pythonPath, "LAMBDA_RUNTIME_DIR": runtimeDir, "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
                            "LD_LIBRARY_PATH": libraryPath, "PATH": path,
                        ]), notice
                ))
        }
        if runtime.hasPrefix("provided") {
            let candidates = [taskRoot.appendingPathComponent("bootstrap").path, "\(optPath)/bootstrap"]
            guard let bootstrap = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                return .failure(
                    LaunchFailure(
                        type: "Runtime.InvalidEntrypoint", message: "Couldn't find valid bootstrap(s): [\(candidates.joined(separator: " "))]", logStream: ""))
            }
            guard FileManager.default.isExecutableFile(atPath: bootstrap) else {
                return .failure(LaunchFailure(type: "Runtime.InvalidEntrypoint", message: "fork/exec \(bootstrap): permission denied", logStream: ""))
            }
            return .success(
                (Plan(executable: bootstrap, arguments: [], environment: ["LAMBDA_RUNTIME_DIR": optPath, "LD_LIBRARY_PATH": libraryPath, "PATH": path]), nil))
        }
        return .failure(
            LaunchFailure(
                type: "Runtime.Unavailable",
                message:
                    "CloudCafe runs python3.x functions and provided.al2023/provided.al2 functions (any language, through a bootstrap); \(runtime.isEmpty ? "a function without a runtime" : runtime) does not run here.",
                logStream: ""))
    }
}
