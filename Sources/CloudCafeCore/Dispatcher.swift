import Logging
import Synchronization

/// The one path every call takes, from a client over HTTP or from a handler in process:
/// build the `CallContext`, ask the `Authorizer`, run the operation on its service.
public final class Dispatcher: Sendable {
    /// The clock every timestamp comes from.
    public let clock: VirtualClock
    /// The account everything lives in.
    public let account: String
    /// Request ids and other random tokens.
    public let ids: IDGenerator
    /// Background work a clock move waits for.
    public let work: WorkTracker
    /// Work due at future virtual instants (retries).
    public let timers = TimerQueue()
    private let authorizer: Mutex<any Authorizer>
    private let services = Mutex<[ObjectIdentifier: any Sendable]>([:])
    private let logger = Logger(label: "cloudcafe.dispatcher")

    public init(clock: VirtualClock, account: String = "000000000000", ids: IDGenerator = IDGenerator(), authorizer: any Authorizer = AllowAllAuthorizer()) {
        self.clock = clock
        self.account = account
        self.ids = ids
        self.work = WorkTracker()
        self.authorizer = Mutex(authorizer)
    }

    /// Makes `service` the instance its operations run on.
    public func register<S: Sendable>(_ service: S) {
        services.withLock { $0[ObjectIdentifier(S.self)] = service }
    }

    /// Replaces the authorizer (the IAM module installs its evaluator at start-up).
    public func setAuthorizer(_ a: any Authorizer) { authorizer.withLock { $0 = a } }

    /// The registered instance of a service type.
    public func service<S: Sendable>(_ type: S.Type) -> S? {
        services.withLock { $0[ObjectIdentifier(S.self)] as? S }
    }

    /// Builds the context of a call made by `caller` now.
    public func context(for caller: Caller) -> CallContext {
        CallContext(
            caller: caller.principal, account: account, region: caller.region,
            requestID: caller.requestID ?? ids.uuid(), sourceArn: caller.sourceArn, now: clock.now, sourceIP: caller.sourceIP)
    }

    /// Authorizes and performs `operation` for `caller`.
    public func perform<S: Sendable, I: Sendable, O: Sendable>(_ operation: Operation<S, I, O>, _ input: I, as caller: Caller) async throws -> O {
        let ctx = context(for: caller)
        return try await perform(operation, input, context: ctx)
    }

    /// Authorizes and performs `operation` in an already built context.
    public func perform<S: Sendable, I: Sendable, O: Sendable>(_ operation: Operation<S, I, O>, _ input: I, context ctx: CallContext) async throws -> O {
        guard let service = service(S.self) else {
            throw CommonError.internalFailure("service for \(operation.name) is not running")
        }
        if !operation.needsNoPermission {
            let policy = await operation.resourcePolicy?(service, input, ctx)
            let request = AuthorizationRequest(action: operation.action, resources: operation.resources(input, ctx), context: ctx, resourcePolicy: policy)
            try await authorizer.withLock { $0 }.authorize(request)
        }
        logger.debug("call", metadata: ["aws.operation": "\(operation.name)", "aws.request_id": "\(ctx.requestID)", "aws.caller": "\(ctx.caller.arn)"])
        return try await operation.perform(service, input, ctx)
    }

    /// An in-process client that calls as `principal` in `region`.
    public func client(as principal: Principal, region: String, sourceArn: String? = nil) -> AWSClient {
        AWSClient(dispatcher: self, caller: Caller(principal: principal, region: region, sourceArn: sourceArn))
    }
}

/// An in-process AWS client bound to one caller; handlers and services use it to reach
/// other services, through the Dispatcher like any client.
public struct AWSClient: Sendable {
    /// The path every call takes.
    public let dispatcher: Dispatcher
    /// Who this client calls as.
    public let caller: Caller

    public init(dispatcher: Dispatcher, caller: Caller) {
        self.dispatcher = dispatcher
        self.caller = caller
    }

    /// Performs `operation` as this client's caller.
    public func send<S: Sendable, I: Sendable, O: Sendable>(_ operation: Operation<S, I, O>, _ input: I) async throws -> O {
        do {
            return try await dispatcher.perform(operation, input, as: caller)
        } catch let error as any AWSServiceError {
            throw AWSClientError(operation: operation.name, service: String(operation.action.prefix { $0 != ":" }), error: error)
        }
    }

    /// The region this client calls in.
    public var region: String { caller.region }

    /// The same caller, calling in another region (a handler reaching a topic elsewhere).
    public func `in`(region: String) -> AWSClient {
        var c = caller
        c.region = region
        return AWSClient(dispatcher: dispatcher, caller: c)
    }
}

/// An AWS error as an in-process client receives it: the service's error and the
/// operation it answered, so a handler's failure reads as boto3's would.
public struct AWSClientError: Error, Sendable, CustomStringConvertible {
    /// The operation that failed (`Publish`).
    public let operation: String
    /// The service's IAM prefix (`sns`).
    public let service: String
    /// The service's error.
    public let error: any AWSServiceError

    /// botocore's `ClientError` text.
    public var botocoreMessage: String {
        "An error occurred (\(error.errorCode)) when calling the \(operation) operation: \(error.message)"
    }

    /// The exception class name boto3 raises: the modelled error's shape name
    /// (`AuthorizationErrorException`), or `ClientError` for codes the service's botocore
    /// model does not declare (IAM's `AccessDenied`, Lambda's `AccessDeniedException`).
    public var pythonExceptionName: String {
        let code = error.errorCode
        if code == "AccessDenied" || code == "InternalFailure" || (service == "lambda" && code == "AccessDeniedException") { return "ClientError" }
        return code.hasSuffix("Exception") ? code : code + "Exception"
    }

    public var description: String { botocoreMessage }
}
