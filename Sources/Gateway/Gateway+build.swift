public import CloudCafeCore
public import Engine
import Hummingbird
public import ServiceLifecycle
import Logging

/// The HTTP front of CloudCafe.
///
/// ```
/// request ─▶ AWS wire protocols (every path but the router's): SigV4 → service → decode
///        │   → Dispatcher (IAM, then the operation) → encode → error mapping
///        └─▶ router ─▶ request id ─▶ /_cloudcafe/…  admin API (clock, outbox, logs, invoke, reset)
///                                └─▶ /confirmation.html, /unsubscribe.html  (links in SNS emails)
/// ```
/// `buildApplication` is the only way to make the server: `cloudcafe serve` and the tests use it.
public struct GatewayConfiguration: Sendable {
    /// The address to bind; port 0 picks a free port.
    public var host = "127.0.0.1"
    public var port = 4566
    /// Verify every SigV4 signature and reject keys IAM did not issue (`serve --strict-auth`).
    public var strictAuth = false
    /// The admin API's token under strict authentication (nil: the admin API is open).
    public var adminToken: String?
    /// The account root's key pair under strict authentication.
    public var rootAccessKey = "test"
    public var rootSecretKey = "test"
    /// Requests wait until it opens (the daemon serves while its stack deploys); open by default.
    public var ready = Gate(open: true)

    public init(host: String = "127.0.0.1", port: Int = 4566, strictAuth: Bool = false) {
        self.host = host
        self.port = port
        self.strictAuth = strictAuth
    }
}

/// Builds the server for `engine`. `onReady` receives the bound port once it is listening.
/// An existential, not `some Service`: the caller's frame needs the type of what it holds,
/// and an opaque type is found at run time by its mangled name, checking the generic
/// server's requirements against every conformance record (a million instructions of start-up).
public func buildApplication(
    engine: CloudCafeEngine, configuration: GatewayConfiguration, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
) -> any Service {
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: RequestIDMiddleware(ids: engine.dispatcher.ids))
    let aws = AWSProtocols(engine: engine, configuration: configuration)
    AdminAPI(engine: engine, adminToken: configuration.adminToken).register(on: router)
    EmailLinks(engine: engine).register(on: router)
    aws.register(on: router)
    var logger = Logger(label: "cloudcafe.gateway")
    logger.logLevel = .warning
    return GatewayServer(
        ready: configuration.ready, direct: { request, channel in await aws.handleUnlessRouted(request, sourceIP: channel.remoteAddress?.ipText) },
        responder: router.buildResponder(), address: .hostname(configuration.host, port: configuration.port), serverName: "CloudCafe", logger: logger,
        onServerRunning: onReady)
}
