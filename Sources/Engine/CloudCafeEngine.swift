public import CafeReport
public import CloudCafeCore
public import CloudWatchLogs
public import EventBridge
public import Foundation
public import IAM
public import Lambda
public import Runtimes
public import SNS
public import SQS
public import SSM
import Logging
import Synchronization

/// How an engine is set up.
public struct EngineConfiguration: Sendable {
    /// The account everything lives in.
    public var account = "000000000000"
    /// The region the stack is deployed in.
    public var region = "us-east-1"
    /// The Maildir emails are written to.
    public var outboxDirectory = URL(fileURLWithPath: "outbox")
    /// The café's SQLite database; created from fixtures when absent.
    public var cafeDatabasePath = "cafe_db.sqlite"
    /// The virtual clock's first instant (the machine's time when nil) and speed.
    public var startTime: Date?
    public var clockRate: Double = 1
    /// Fixes every generated id, so identical runs give identical output.
    public var seed: UInt64?
    /// The stack deployed at start-up; nil deploys nothing.
    public var stack: StackFile?
    /// The address the café stack subscribes to the report topic.
    public var adminEmail = "admin@example.com"
    /// The daemon's own address (its port already bound), for links in emails, queue URLs
    /// and code locations.
    public var publicEndpoint = "http://127.0.0.1:4566"
    /// How IAM decides calls: enforce (default), audit or off.
    public var iamMode = IAMAuthorizer.Mode.enforce
    /// Whether functions without a built-in handler run their own code as local processes.
    public var runsFunctionCode = true
    /// The most function processes alive at once; invocations beyond it wait.
    public var maxRuntimeProcesses = 32
    /// How many timeline entries are kept (the newest); 0 records none.
    public var timelineCapacity = 20_000
    /// Lambda's account concurrency: invocations running at once, reserved and unreserved.
    public var accountConcurrency = 1000
    /// In-process handlers beside the café's, by `Handler` string (a test suite's or a
    /// benchmark's own); a name the café uses replaces the café's handler.
    public var handlers: [String: any LambdaHandler] = [:]
    /// Where the runtimes for functions' code are installed (`cloudcafe runtimes install`).
    public var runtimes = RuntimeInstallation()

    public init() {}
}

/// Every service of CloudCafe, wired to one clock and one dispatch path, with the café's
/// handlers installed. Both the daemon and in-process test suites start one.
public final class CloudCafeEngine: Sendable {
    public let configuration: EngineConfiguration
    public let clock: VirtualClock
    public let dispatcher: Dispatcher
    public let iam: IAM
    public let logs: CloudWatchLogs
    public let ssm: SSM
    public let lambda: Lambda
    public let sns: SNS
    public let sqs: SQS
    public let events: EventBridge
    /// EventBridge Scheduler's schedules.
    public let schedules: EventBridgeScheduler
    /// Everything due on the clock; moving the clock goes through it.
    public var agenda: Agenda { dispatcher.agenda }
    public let outbox: MaildirOutbox
    public let cafeDatabase: CafeDatabase
    /// Runs functions' own code (nil when the configuration turns it off).
    public let codeRuntime: ProcessRuntime?
    /// IAM's decisions, for explanations.
    public let authorizer: IAMAuthorizer

    /// Every running service's declaration, built once: the Gateway builds its tables from these.
    public let declarations: [ServiceDeclaration]

    /// Builds the services; call `start()` to deploy the stack. A running clock is followed
    /// by `agenda.run()`, which the daemon runs as a service of its lifecycle.
    public init(_ configuration: EngineConfiguration) throws {
        self.configuration = configuration
        clock = VirtualClock(start: configuration.startTime, rate: configuration.clockRate)
        startedAt = clock.now
        dispatcher = Dispatcher(
            clock: clock, account: configuration.account, ids: IDGenerator(seed: configuration.seed), timelineCapacity: configuration.timelineCapacity)
        cafeDatabase = try CafeDatabase(path: configuration.cafeDatabasePath)
        outbox = try MaildirOutbox(directory: configuration.outboxDirectory)
        iam = IAM(account: configuration.account, ids: dispatcher.ids)
        logs = CloudWatchLogs(dispatcher: dispatcher)
        ssm = SSM()
        codeRuntime =
            configuration.runsFunctionCode
            ? ProcessRuntime(
                clock: clock, endpoint: configuration.publicEndpoint, installation: configuration.runtimes,
                maxProcesses: configuration.maxRuntimeProcesses, workDirectory: ProcessRuntime.makeWorkDirectory()) : nil
        lambda = Lambda(
            dispatcher: dispatcher,
            handlers: CafeReport.handlers(cafeDatabasePath: configuration.cafeDatabasePath).merging(configuration.handlers) { $1 }, codeRuntime: codeRuntime,
            publicEndpoint: configuration.publicEndpoint, accountConcurrency: configuration.accountConcurrency)
        // SNS and SQS check resource policies with IAM's parser without importing IAM.
        let policyCheck: @Sendable (String) -> String? = { text in
            do throws(PolicyError) {
                _ = try PolicyDocument(parsing: text, kind: .resource)
                return nil
            } catch {
                return error.message
            }
        }
        sns = SNS(dispatcher: dispatcher, outbox: outbox, publicEndpoint: configuration.publicEndpoint, policyCheck: policyCheck)
        sqs = SQS(dispatcher: dispatcher, publicEndpoint: configuration.publicEndpoint, policyCheck: policyCheck)
        events = EventBridge(dispatcher: dispatcher)
        schedules = EventBridgeScheduler(dispatcher: dispatcher)
        authorizer = IAMAuthorizer(iam: iam, mode: configuration.iamMode)
        dispatcher.setAuthorizer(authorizer)
        // Every service declares itself; a missing operation or service stops start-up here.
        let services: [any AWSService] = [iam, logs, ssm, lambda, sns, sqs, events, schedules]
        declarations = services.flatMap(\.declarations)
        try dispatcher.install(declarations)
    }

    /// Deploys the configured stack, while the café database gets its schema and menu on a
    /// thread of its own (a new database is a few milliseconds of start-up); waits for both.
    /// Not on a task: the blocking work held one of the few cooperative threads, and the HTTP
    /// server, starting meanwhile, waited for it to bind its port.
    public func start() async throws {
        let database = cafeDatabase
        async let preparing: Void = Self.onThread { try database.prepare() }
        if let stack = configuration.stack { try await deploy(stack) }
        try await preparing
    }

    private static func onThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            Thread { done.resume(with: Result { try work() }) }.start()
        }
    }

    /// Deploys `stack` as the account's root user, through the services' own operations.
    public func deploy(_ stack: StackFile) async throws {
        let deployer = StackDeployer(
            client: dispatcher.client(as: .root(account: configuration.account), region: configuration.region),
            outbox: outbox, adminEmail: configuration.adminEmail)
        try await deployer.deploy(stack)
    }

    /// The virtual instant the engine started at: where `reset` puts the clock back.
    public let startedAt: Date
    /// Named snapshots (`saveSnapshot`, `loadSnapshot`).
    let snapshots = Mutex<[String: EngineSnapshot]>([:])
    /// Where the state is written (`serve --state-dir`), when it is.
    let stateStore = Mutex<StateStore?>(nil)
    let stateLogger = Logger(label: "cloudcafe.state")

    /// Returns everything to the freshly deployed stack: every resource, email, order, IAM
    /// decision and timeline entry is forgotten, the clock goes back to where it started (or
    /// to `clock`), and the stack is deployed again, so its rules fire from that instant.
    public func reset(clock instant: Date? = nil) async throws {
        dispatcher.timeline.clear()
        authorizer.clearDecisions()
        try cafeDatabase.clearOrders()
        await lambda.reset()
        await events.reset()
        await schedules.reset()
        await sns.reset()
        await sqs.reset()
        await ssm.reset()
        await logs.reset()
        await iam.reset()
        agenda.clear()
        outbox.clear()
        clock.set(instant ?? startedAt)
        if let stack = configuration.stack { try await deploy(stack) }
        await persistAll()
    }

    /// Stops every function process and removes their files; the daemon is stopping.
    public func shutdown() async {
        await codeRuntime?.shutdown()
    }

    /// An in-process client calling as the account's root user.
    public func client(region: String? = nil) -> AWSClient {
        dispatcher.client(as: .root(account: configuration.account), region: region ?? configuration.region)
    }
}
