import Foundation
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
    /// Everything due at future virtual instants: firings, retries.
    public let agenda: Agenda
    /// Every effect with its cause: calls, and what services record (firings, invocations, deliveries).
    public let timeline: Timeline
    private let authorizer: Mutex<any Authorizer>
    /// What a signing key's calls are an effect of now: a function process's session key,
    /// bound to its invocation while it runs, so its SDK's calls land under it on the timeline.
    private let causesByKey = Mutex<[String: String]>([:])
    /// Called once a call has been performed (or refused), before its answer goes out: with
    /// `--state-dir`, the service's state is written then, so what was acknowledged lasts.
    /// Held in a struct: a bare function value read out of a `Mutex` by `{ $0 }` was
    /// re-abstracted on each access, each thunk wrapping the last, so every call went through
    /// a chain as long as the number of calls before it.
    private let afterCall = Mutex<Hook<OperationKey>?>(nil)

    public func setAfterCall(_ hook: (@Sendable (OperationKey) async -> Void)?) {
        afterCall.withLock { $0 = hook.map(Hook.init) }
    }
    private let table = Mutex<[OperationKey: Installed]>([:])
    private let logger = Logger(label: "cloudcafe.dispatcher")

    /// A class: looked up on every call, copied out of the table as one reference.
    final class Installed: Sendable {
        let operation: ServiceOperation
        let accessDenied: AccessDeniedStyle
        /// The model's input shape and its validator, for calls made in process.
        let inputShape: String?
        let validator: ShapeValidator
        let validationErrorCode: String

        init(operation: ServiceOperation, accessDenied: AccessDeniedStyle, inputShape: String?, validator: ShapeValidator, validationErrorCode: String) {
            self.operation = operation
            self.accessDenied = accessDenied
            self.inputShape = inputShape
            self.validator = validator
            self.validationErrorCode = validationErrorCode
        }
    }

    public init(
        clock: VirtualClock, account: String = "000000000000", ids: IDGenerator = IDGenerator(), authorizer: any Authorizer = AllowAllAuthorizer(),
        timelineCapacity: Int = 20_000
    ) {
        self.clock = clock
        self.account = account
        self.ids = ids
        self.work = WorkTracker()
        self.agenda = Agenda(clock: clock, work: work)
        self.timeline = Timeline(capacity: timelineCapacity)
        self.authorizer = Mutex(authorizer)
    }

    /// A declaration that does not hold together: an operation of the model left
    /// unimplemented, or a service called that is not running. Start-up stops on it.
    public struct InstallationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Installs every service's operations. Each operation of each model must be implemented,
    /// and every service a declaration calls must be among them: a missing piece stops
    /// start-up instead of failing a call later.
    public func install(_ declarations: [ServiceDeclaration]) throws {
        let names = Set(declarations.map(\.model.name))
        var entries: [OperationKey: Installed] = [:]
        for d in declarations {
            let validator = ShapeValidator(d.model, unenforced: d.unenforced)
            for op in d.operations {
                guard let modelled = d.model.operation(op.key.name), op.key.service == d.model.name else {
                    throw InstallationError(description: "\(op.key) is not an operation of the \(d.model.name) model")
                }
                entries[op.key] = Installed(
                    operation: op, accessDenied: d.accessDenied, inputShape: modelled.input, validator: validator,
                    validationErrorCode: d.validationErrorCode)
            }
            for op in d.model.operations where entries[OperationKey(service: d.model.name, name: op.name)] == nil {
                throw InstallationError(description: "\(d.model.name).\(op.name) is modelled but not implemented")
            }
            for called in d.calls where !names.contains(called) {
                throw InstallationError(description: "\(d.model.name) calls \(called), which is not running")
            }
            agenda.register(d.agenda)
        }
        table.withLock { $0 = entries }
    }

    /// Replaces the authorizer (the IAM module installs its evaluator at start-up).
    public func setAuthorizer(_ a: any Authorizer) { authorizer.withLock { $0 = a } }

    /// The implementation of `key`, if installed.
    public func operation(_ key: OperationKey) -> ServiceOperation? { table.withLock { $0[key]?.operation } }

    /// Builds the context of a call made by `caller` now.
    public func context(for caller: Caller) -> CallContext {
        CallContext(
            caller: caller.principal, account: account, region: caller.region,
            requestID: caller.requestID ?? ids.uuid(), sourceArn: caller.sourceArn, now: clock.now, sourceIP: caller.sourceIP, causeID: caller.causeID)
    }

    /// Authorizes and performs `operation` for `caller`.
    public func perform<I, O>(_ operation: OperationDescriptor<I, O>, _ input: I, as caller: Caller) async throws -> O {
        try await perform(operation, input, context: context(for: caller))
    }

    /// Validates `input` against the model as the Gateway validates a wire request, then
    /// authorizes and performs `operation` in an already built context: calls from handlers
    /// and stack files get the same answers as calls from clients.
    public func perform<I, O>(_ operation: OperationDescriptor<I, O>, _ input: I, context ctx: CallContext) async throws -> O {
        try validate(input, of: operation.key)
        let output = try await perform(operation.key, input, context: ctx)
        guard let typed = output as? O else { throw CommonError.internalFailure("\(operation.key) answered a \(type(of: output))") }
        return typed
    }

    /// Checks an in-process input against its model: encoded with its AWS member names, it is
    /// the tree a wire request decodes to.
    func validate(_ input: some JSONValueWritable, of key: OperationKey) throws {
        guard let installed = table.withLock({ $0[key] }), let shape = installed.inputShape else { return }
        guard let tree = try? input.jsonValue() else { return }
        let violations = installed.validator.violations(of: tree, shape: shape)
        guard violations.isEmpty else {
            throw CommonError(code: installed.validationErrorCode, message: ConstraintViolation.message(violations), httpStatus: 400)
        }
    }

    /// Authorizes and performs the operation `key` with an input of its type (the Gateway's path, validated there).
    public func perform(_ key: OperationKey, _ input: any Sendable, context ctx: CallContext) async throws -> any Sendable {
        guard let installed = table.withLock({ $0[key] }) else {
            throw CommonError.internalFailure("\(key) is not installed")
        }
        let operation = installed.operation
        var outcome: AuthorizationOutcome?
        if !operation.needsNoPermission {
            let policy = await operation.resourcePolicy?(input, ctx)
            let request = AuthorizationRequest(
                action: operation.action, resources: operation.resources(input, ctx), context: ctx, resourcePolicy: policy,
                accessDenied: installed.accessDenied)
            let decided = await authorizer.withLock { $0 }.evaluate(request)
            if let denial = decided.denial {
                record(key, ctx, decided, error: denial)
                throw denial
            }
            outcome = decided
        }
        logger.debug("call", metadata: ["aws.operation": "\(key)", "aws.request_id": "\(ctx.requestID)", "aws.caller": "\(ctx.caller.arn)"])
        // Recorded before it runs, so what it causes (an invocation, a delivery) can name it.
        let recorded = record(key, ctx, outcome, error: nil)
        let hook = afterCall.withLock { $0 }?.run
        do {
            let output = try await operation.perform(input, ctx)
            await hook?(key)
            return output
        } catch {
            if recorded { timeline.annotate(ctx.requestID, [("error", .string(Self.errorCode(error)))]) }
            await hook?(key)
            throw error
        }
    }

    /// Binds (or, with nil, unbinds) the calls signed with `accessKey` to `cause`.
    public func bindCause(_ cause: String?, toAccessKey accessKey: String) {
        causesByKey.withLock { $0[accessKey] = cause }
    }

    /// The cause the calls signed with `accessKey` have now, if any.
    public func cause(forAccessKey accessKey: String) -> String? {
        causesByKey.withLock { $0[accessKey] }
    }

    /// Records a call on the timeline: calls from clients, and calls something else caused
    /// (a function's, a delivery's); the daemon's own bookkeeping (stack deployment, polling) is left out.
    @discardableResult
    private func record(_ key: OperationKey, _ ctx: CallContext, _ outcome: AuthorizationOutcome?, error: (any Error)?) -> Bool {
        guard timeline.capacity > 0, ctx.causeID != nil || ctx.sourceIP != nil else { return false }
        var details: [(String, JSONValue)] = [
            ("service", .string(key.service)), ("operation", .string(key.name)), ("caller", .string(ctx.caller.arn)),
            ("decision", .string(outcome?.decision ?? "unchecked")),
        ]
        if let statement = outcome?.statement { details.append(("statement", .string(statement))) }
        if let error { details.append(("error", .string(Self.errorCode(error)))) }
        timeline.record("call", id: ctx.requestID, cause: ctx.causeID, time: ctx.now, details: details)
        return true
    }

    static func errorCode(_ error: any Error) -> String {
        (error as? any AWSServiceError)?.errorCode ?? (error as? AWSClientError)?.error.errorCode ?? String(describing: type(of: error))
    }

    /// An in-process client that calls as `principal` in `region`.
    public func client(as principal: Principal, region: String, sourceArn: String? = nil, causeID: String? = nil) -> AWSClient {
        AWSClient(dispatcher: self, caller: Caller(principal: principal, region: region, sourceArn: sourceArn, causeID: causeID))
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
    public func send<I, O>(_ operation: OperationDescriptor<I, O>, _ input: I) async throws -> O {
        do {
            return try await dispatcher.perform(operation, input, as: caller)
        } catch let error as any AWSServiceError {
            throw AWSClientError(operation: operation.name, service: operation.service, error: error)
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
    /// The service's botocore name (`sns`).
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
