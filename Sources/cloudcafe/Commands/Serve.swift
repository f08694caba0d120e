import ArgumentParser
import CloudCafeCore
import Engine
import Foundation
import Gateway
import IAM
import Logging
import ServiceLifecycle
import UnixSignals

/// `cloudcafe serve`: the daemon.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Start the daemon with the café stack deployed.")

    @Option(help: "Port to listen on; 0 picks a free one.") var port = ServeOptions.defaults.port
    @Option(help: "Folder emails are written to (a Maildir).") var outbox = ServeOptions.defaults.outbox
    @Option(name: .customLong("cafe-db"), help: "The café's SQLite database; created when absent (default: cafe_db.sqlite, or in --state-dir).")
    var cafeDB: String?
    @Option(name: .customLong("state-dir"), help: "Keep every service's state in this folder, across restarts (default: in memory only).")
    var stateDir: String?
    @Option(name: .customLong("start-time"), help: "The virtual clock's first instant (ISO 8601); default: now.") var startTime: String?
    @Option(name: .customLong("clock-rate"), help: "1 is real time, N runs N times faster, 0 freezes the clock (default 1; a restored state keeps its own).")
    var clockRate: Double?
    @Option(help: "Stack to deploy: 'cafe' (default), 'none', or a stack file.") var stack = ServeOptions.defaults.stack
    @Option(name: .customLong("admin-email"), help: "Where the café stack's report emails go.") var adminEmail = ServeOptions.defaults.adminEmail
    @Option(help: "Seed for generated ids, for reproducible runs.") var seed: UInt64?
    @Option(help: "IAM: enforce (deny what AWS denies), audit (allow, log would-be denials) or off.") var iam = ServeOptions.defaults.iam
    @Flag(name: .customLong("strict-auth"), help: "Verify every SigV4 signature; accept only keys IAM issued and the root pair.") var strictAuth = ServeOptions.defaults.strictAuth
    @Option(name: .customLong("root-credentials"), help: "The root user's KEY:SECRET under --strict-auth.") var rootCredentials = ServeOptions.defaults.rootCredentials
    @Option(name: .customLong("admin-token-file"), help: "Where --strict-auth writes the admin API's token.")
    var adminTokenFile = ServeOptions.defaults.adminTokenFile
    @Option(name: .customLong("max-runtime-processes"), help: "Most function processes alive at once; invocations beyond wait.")
    var maxRuntimeProcesses = ServeOptions.defaults.maxRuntimeProcesses
    @Option(name: .customLong("account-concurrency"), help: "Lambda's account concurrency limit (AWS's default: 1000).")
    var accountConcurrency = ServeOptions.defaults.accountConcurrency
    @Option(name: .customLong("timeline-capacity"), help: "Timeline entries kept, the newest first; 0 records none.")
    var timelineCapacity = ServeOptions.defaults.timelineCapacity
    @Option(name: .customLong("otlp-endpoint"), help: "Send the timeline as OpenTelemetry traces to this OTLP/HTTP endpoint (http://localhost:4318).")
    var otlpEndpoint: String?

    /// The options as plain values, for `ServeOptions` to check and run.
    var options: ServeOptions {
        ServeOptions(
            port: port, outbox: outbox, cafeDB: cafeDB, stateDir: stateDir, startTime: startTime, clockRate: clockRate, stack: stack, adminEmail: adminEmail,
            seed: seed, iam: iam, strictAuth: strictAuth, rootCredentials: rootCredentials, adminTokenFile: adminTokenFile,
            maxRuntimeProcesses: maxRuntimeProcesses, accountConcurrency: accountConcurrency, timelineCapacity: timelineCapacity, otlpEndpoint: otlpEndpoint)
    }

    func validate() throws { try options.validate() }

    func run() async throws { try await options.run() }
}

/// `serve`'s options once read, and the daemon they start. The daemon's usual start
/// (`serve` followed by `--name value` options only) is read here directly: ArgumentParser
/// learns a command's options by reflecting over its property wrappers, which cost a third
/// of the time from exec to the first answered call. Anything else (help, a mistake, an
/// unknown option) goes to ArgumentParser, which words the usage and errors.
struct ServeOptions {
    var port = 4566
    var outbox = "outbox"
    var cafeDB: String?
    var stateDir: String?
    var startTime: String?
    var clockRate: Double?
    var stack = "cafe"
    var adminEmail = "admin@example.com"
    var seed: UInt64?
    var iam = "enforce"
    var strictAuth = false
    var rootCredentials = "test:test"
    var adminTokenFile = EndpointOptions.defaultTokenFile
    var maxRuntimeProcesses = 32
    var accountConcurrency = 1000
    var timelineCapacity = 20_000
    var otlpEndpoint: String?

    /// Every option at its default: `Serve` declares its options with these.
    static let defaults = ServeOptions()

    init() {}

    /// The options of `arguments` (what follows `serve`), or nil unless each is a known
    /// `--name value`, `--name=value` or `--strict-auth`, given once, with a value that reads.
    init?(arguments: ArraySlice<String>) {
        var seen: Set<String> = []
        var rest = arguments
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { return nil }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard seen.insert(name).inserted else { return nil }
            if name == "strict-auth" {
                guard value == nil else { return nil }
                strictAuth = true
                continue
            }
            if value == nil {
                guard let next = rest.popFirst(), !next.hasPrefix("-") else { return nil }
                value = next
            }
            guard let value, !value.isEmpty, set(name, value) else { return nil }
        }
    }

    /// Sets the option `name`; false for an unknown name or a value its type cannot read.
    private mutating func set(_ name: String, _ value: String) -> Bool {
        switch name {
        case "port": guard let v = Int(value) else { return false }; port = v
        case "outbox": outbox = value
        case "cafe-db": cafeDB = value
        case "state-dir": stateDir = value
        case "start-time": startTime = value
        case "clock-rate": guard let v = Double(value) else { return false }; clockRate = v
        case "stack": stack = value
        case "admin-email": adminEmail = value
        case "seed": guard let v = UInt64(value) else { return false }; seed = v
        case "iam": iam = value
        case "root-credentials": rootCredentials = value
        case "admin-token-file": adminTokenFile = value
        case "max-runtime-processes": guard let v = Int(value) else { return false }; maxRuntimeProcesses = v
        case "account-concurrency": guard let v = Int(value) else { return false }; accountConcurrency = v
        case "timeline-capacity": guard let v = Int(value) else { return false }; timelineCapacity = v
        case "otlp-endpoint": otlpEndpoint = value
        default: return false
        }
        return true
    }

    /// One connection to the daemon itself, made while the stack deploys: the first connection
    /// builds NIO's channel pipeline and HTTP codec, whose first use costs the Swift runtime
    /// about 15 M instructions of conformance checks. Paid here, on the core the deployment
    /// leaves idle, it no longer delays the first client's first answer. It asks for
    /// `/_cloudcafe/health` (answered once the stack is up, recorded nowhere) on its own
    /// thread, with blocking calls that time out after 30 s; any failure is ignored.
    static func warmUp(port: Int) {
        let thread = Thread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return }
            let request = Array("GET /_cloudcafe/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        }
        thread.start()
    }

    init(
        port: Int, outbox: String, cafeDB: String?, stateDir: String?, startTime: String?, clockRate: Double?, stack: String, adminEmail: String,
        seed: UInt64?, iam: String, strictAuth: Bool, rootCredentials: String, adminTokenFile: String, maxRuntimeProcesses: Int,
        accountConcurrency: Int, timelineCapacity: Int, otlpEndpoint: String?
    ) {
        (self.port, self.outbox, self.cafeDB, self.stateDir, self.startTime, self.clockRate, self.stack, self.adminEmail) =
            (port, outbox, cafeDB, stateDir, startTime, clockRate, stack, adminEmail)
        (self.seed, self.iam, self.strictAuth, self.rootCredentials, self.adminTokenFile) = (seed, iam, strictAuth, rootCredentials, adminTokenFile)
        (self.maxRuntimeProcesses, self.accountConcurrency, self.timelineCapacity, self.otlpEndpoint) =
            (maxRuntimeProcesses, accountConcurrency, timelineCapacity, otlpEndpoint)
    }

    /// Checked before anything starts, so a mistake shows `serve`'s usage.
    func validate() throws {
        if let startTime, TimeText.instant(startTime) == nil { throw ValidationError("--start-time must be ISO 8601, such as 2026-11-27T19:59:00Z") }
        if let clockRate, !(0...VirtualClock.maximumRate).contains(clockRate) {
            throw ValidationError("--clock-rate must be from 0 to \(Int(VirtualClock.maximumRate))")
        }
        guard IAMAuthorizer.Mode(rawValue: iam) != nil else { throw ValidationError("--iam must be enforce, audit or off") }
        guard maxRuntimeProcesses >= 1 else { throw ValidationError("--max-runtime-processes must be at least 1") }
        guard accountConcurrency >= 100 else { throw ValidationError("--account-concurrency must be at least 100 (Lambda keeps 100 unreserved)") }
        let pair = rootCredentials.split(separator: ":", maxSplits: 1)
        guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { throw ValidationError("--root-credentials must be KEY:SECRET") }
        if let otlpEndpoint, URL(string: otlpEndpoint).map({ ["http", "https"].contains($0.scheme ?? "") }) != true {
            throw ValidationError("--otlp-endpoint must be an http(s) URL, such as http://localhost:4318")
        }
        guard (0...10_000_000).contains(timelineCapacity) else { throw ValidationError("--timeline-capacity must be from 0 to 10000000") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535 (0 picks a free port)") }
    }

    func run() async throws {
        // Read once: the factory runs for every Logger made, and the environment is made into a
        // dictionary on each read (a few million instructions of start-up, a dozen loggers).
        let level = getenv("LOG_LEVEL").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var config = EngineConfiguration()
        config.outboxDirectory = URL(fileURLWithPath: outbox)
        let store: StateStore?
        do {
            store = try stateDir.map { try StateStore(directory: URL(fileURLWithPath: $0)) }
        } catch {
            throw CLIError("--state-dir \(stateDir ?? ""): \(error)")
        }
        config.cafeDatabasePath = cafeDB ?? store.map { $0.directory.appendingPathComponent("cafe_db.sqlite").path } ?? "cafe_db.sqlite"
        config.clockRate = clockRate ?? 1
        config.seed = seed
        config.adminEmail = adminEmail
        // validate() has checked every option; these only unwrap.
        config.maxRuntimeProcesses = maxRuntimeProcesses
        config.accountConcurrency = accountConcurrency
        config.timelineCapacity = timelineCapacity
        config.startTime = startTime.flatMap(TimeText.instant)
        let mode = IAMAuthorizer.Mode(rawValue: iam) ?? .enforce
        config.iamMode = mode
        switch stack {
        case "none": config.stack = nil
        case "cafe": config.stack = try StackFile.cafe()
        default:
            let url = URL(fileURLWithPath: stack)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw CLIError("the stack file \(url.path) does not exist: give a stack file's path, or --stack cafe (the default) or --stack none")
            }
            do {
                config.stack = try StackFile.load(url)
            } catch {
                throw CLIError("the stack file \(url.path) is not a stack CloudCafe can read: \(error)")
            }
        }
        let pair = rootCredentials.split(separator: ":", maxSplits: 1).map(String.init)
        // The port is known before anything is built, so every address a service hands out is right.
        let bound: Int
        do {
            bound = try PortReservation.reserve(host: "127.0.0.1", port: port)
        } catch {
            throw CLIError(
                "port \(port) on 127.0.0.1 is in use (another CloudCafe, or another server): stop it, choose another with --port, or use --port 0 for any free port"
            )
        }
        config.publicEndpoint = "http://127.0.0.1:\(bound)"
        let engine = try CloudCafeEngine(config)
        let logger = Logger(label: "cloudcafe")
        // A state dir with a state in it is restored (clock, due work, every service); the stack is not deployed again.
        var restored = false
        if let store {
            do {
                restored = try await engine.openState(store, clockRate: clockRate)
            } catch {
                throw CLIError("--state-dir \(store.directory.path): \(error)")
            }
        }
        // The HTTP server starts while the stack deploys (its requests, and the clock, wait for
        // it); the port is announced once both are done.
        let ready = Gate()
        let stackName = stack
        let persisting = store != nil
        let deployment = Task {
            if restored {
                logger.info("state restored", metadata: ["dir": "\(store?.directory.path ?? "")", "clock": "\(TimeText.iso8601(engine.clock.now))"])
            } else {
                do {
                    try await engine.start()
                } catch {
                    logger.critical("could not deploy the stack: \(error)")
                    return false
                }
                await engine.persistAll()
            }
            if persisting { engine.startPersisting() }
            switch restored ? "restored" : stackName {
            case "restored": break
            case "none": logger.info("no stack deployed (--stack none)", metadata: ["clock": "\(TimeText.iso8601(engine.clock.now))"])
            case "cafe": logger.info("café stack deployed", metadata: ["clock": "\(TimeText.iso8601(engine.clock.now))"])
            default: logger.info("stack deployed", metadata: ["stack": "\(stackName)", "clock": "\(TimeText.iso8601(engine.clock.now))"])
            }
            ready.open()
            return true
        }
        var gateway = GatewayConfiguration(port: bound, strictAuth: strictAuth)
        gateway.ready = ready
        (gateway.rootAccessKey, gateway.rootSecretKey) = (pair[0], pair[1])
        if strictAuth {
            // The admin API is closed too: its token goes to a file only this user can read.
            let token = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
            let url = URL(fileURLWithPath: adminTokenFile)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(token.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            gateway.adminToken = token
            logger.info("admin API token written", metadata: ["file": "\(url.path)"])
        }
        let app = buildApplication(engine: engine, configuration: gateway) { _ in
            Self.warmUp(port: bound)
            guard await deployment.value else {
                // Nothing was served: the port was never announced.
                await engine.shutdown()
                Foundation.exit(EXIT_FAILURE)
            }
            // Unbuffered, so a parent process reading the pipe sees the line at once.
            FileHandle.standardOutput.write(Data("cloudcafe listening on http://127.0.0.1:\(bound)\n".utf8))
        }
        // One lifecycle: SIGTERM or SIGINT stops the Agenda first (a clock move in progress
        // answers with what fired so far; started work may finish), then the server, whose
        // requests in flight finish. Services stop in reverse order.
        // Each named: otherwise ServiceGroup spells a service as `"\(service)"`, which reflected
        // over the whole HTTP application (a tenth of start-up).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: app, serviceName: "http server"), .init(service: AgendaService(engine: engine, ready: ready), serviceName: "agenda"),
        ]
        if let otlpEndpoint, let url = URL(string: otlpEndpoint) {
            services.append(.init(service: TraceExportService(TraceExporter(endpoint: url, timeline: engine.dispatcher.timeline)), serviceName: "trace export"))
            logger.info("exporting traces", metadata: ["otlp": "\(url)"])
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: Logger(label: "cloudcafe.lifecycle")))
        do {
            try await group.run()
        } catch {
            await engine.shutdown()
            throw error
        }
        // Function processes die with the daemon in any case (the kernel kills them if it is
        // killed); stopping cleanly also removes their files.
        await engine.shutdown()
        logger.info("stopped")
    }
}
