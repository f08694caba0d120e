import Foundation

/// One operation a service implements: the generated descriptor, the IAM action it needs,
/// the resources it acts on, and the code that performs it, bound to the service's instance.
///
/// Services list theirs in their `ServiceDeclaration`; the Dispatcher authorizes and runs
/// them, for calls from the wire and from other services alike. A class: every call looks its
/// operation up, and copying six closures out of the table retained each one.
public final class ServiceOperation: Sendable {
    /// The service and operation (`sns.Publish`).
    public let key: OperationKey
    /// The IAM action (`sns:Publish`).
    public let action: String
    /// Operations AWS answers for every caller without asking IAM (`sts:GetCallerIdentity`).
    public let needsNoPermission: Bool
    let resources: @Sendable (any Sendable, CallContext) -> [String]
    let resourcePolicy: (@Sendable (any Sendable, CallContext) async -> String?)?
    let perform: @Sendable (any Sendable, CallContext) async throws -> any Sendable
    /// Decodes the input from JSON whose members carry AWS's names.
    public let decodeInput: @Sendable (JSONValue) throws -> any Sendable
    /// The output as the JSON every wire protocol starts from (nil for a value not of the output's type).
    public let writeOutput: @Sendable (any Sendable) throws -> JSONValue?

    init(
        key: OperationKey, action: String, needsNoPermission: Bool, resources: @escaping @Sendable (any Sendable, CallContext) -> [String],
        resourcePolicy: (@Sendable (any Sendable, CallContext) async -> String?)?,
        perform: @escaping @Sendable (any Sendable, CallContext) async throws -> any Sendable,
        decodeInput: @escaping @Sendable (JSONValue) throws -> any Sendable, writeOutput: @escaping @Sendable (any Sendable) throws -> JSONValue?
    ) {
        self.key = key
        self.action = action
        self.needsNoPermission = needsNoPermission
        self.resources = resources
        self.resourcePolicy = resourcePolicy
        self.perform = perform
        self.decodeInput = decodeInput
        self.writeOutput = writeOutput
    }
}

/// A service implementing operations on itself. Its operations capture the instance, so
/// one declaration serves every call.
public protocol AWSService: AnyObject, Sendable {
    /// The services this one provides (IAM's actor provides IAM and STS).
    nonisolated var declarations: [ServiceDeclaration] { get }
}

extension AWSService {
    /// Binds `descriptor` to `perform` on this instance.
    /// - Parameters:
    ///   - action: the IAM action when it is not `<service>:<Operation>` (`lambda:InvokeFunction`).
    ///   - resource: the ARN IAM checks; `*` when nil.
    ///   - resourcePolicy: the policy of the resource acted on, for IAM to evaluate with the caller's.
    public nonisolated func implement<I, O>(
        _ descriptor: OperationDescriptor<I, O>, action: String? = nil,
        resource: @escaping @Sendable (I, CallContext) -> String? = { _, _ in nil },
        resourcePolicy: (@Sendable (Self, I, CallContext) async -> String?)? = nil,
        needsNoPermission: Bool = false,
        _ perform: @escaping @Sendable (Self, I, CallContext) async throws -> O
    ) -> ServiceOperation {
        let service = self
        let key = descriptor.key
        let resources: @Sendable (any Sendable, CallContext) -> [String] = { input, ctx in
            guard let i = input as? I, let arn = resource(i, ctx) else { return ["*"] }
            return [arn]
        }
        var policy: (@Sendable (any Sendable, CallContext) async -> String?)?
        if let resourcePolicy {
            policy = { input, ctx in
                guard let i = input as? I else { return nil }
                return await resourcePolicy(service, i, ctx)
            }
        }
        let run: @Sendable (any Sendable, CallContext) async throws -> any Sendable = { input, ctx in
            guard let i = input as? I else { throw CommonError.internalFailure("\(key) received a \(type(of: input))") }
            return try await perform(service, i, ctx)
        }
        return ServiceOperation(
            key: key, action: action ?? "\(descriptor.service):\(descriptor.name)", needsNoPermission: needsNoPermission,
            resources: resources, resourcePolicy: policy, perform: run,
            decodeInput: { tree in try I.decode(from: tree) },
            writeOutput: { try ($0 as? O)?.jsonValue() })
    }
}

/// What a service tells the rest of CloudCafe about itself: its generated model, the
/// operations it implements, how its errors read, and which services it calls.
public struct ServiceDeclaration: Sendable {
    public let model: ServiceModel
    public let operations: [ServiceOperation]
    /// The code of a failed constraint (`ValidationException`, `InvalidParameter`, …).
    public let validationErrorCode: String
    /// The code and status of IAM's denial (`AuthorizationError`/403 for SNS).
    public let accessDenied: AccessDeniedStyle
    /// botocore names of the services this one calls; each must be running.
    public let calls: [String]
    /// Services it calls only where a user points it (Lambda's destinations): they need not
    /// be running; a call to one that is not fails as an unknown service would.
    public let mayCall: [String]
    /// `Shape.Member`s whose model constraints AWS does not enforce (SQS's deprecated
    /// `ReceiveMessageRequest.AttributeNames` takes message attribute names its enum lacks).
    public let unenforced: Set<String>
    /// The kinds of Agenda items the service schedules, with what runs them.
    public let agenda: [AgendaKind]
    /// The same operations on the query protocol the service used before JSON (SQS answers both).
    public let queryModel: ServiceModel?

    public init(
        model: ServiceModel, queryModel: ServiceModel? = nil, validationErrorCode: String, accessDenied: AccessDeniedStyle, calls: [String] = [],
        mayCall: [String] = [], unenforced: Set<String> = [], agenda: [AgendaKind] = [], operations: [ServiceOperation]
    ) {
        self.mayCall = mayCall
        self.queryModel = queryModel
        self.unenforced = unenforced
        self.agenda = agenda
        self.model = model
        self.operations = operations
        self.validationErrorCode = validationErrorCode
        self.accessDenied = accessDenied
        self.calls = calls
    }
}

/// How a service words IAM's denial.
public struct AccessDeniedStyle: Sendable {
    public let code: String
    public let httpStatus: Int

    public init(code: String, httpStatus: Int) {
        self.code = code
        self.httpStatus = httpStatus
    }
}

/// The question IAM answers before every operation.
public struct AuthorizationRequest: Sendable {
    /// The IAM action (`sns:Publish`).
    public let action: String
    /// The resources the action touches.
    public let resources: [String]
    /// The call: caller, account, region, time, source ARN.
    public let context: CallContext
    /// The resource's own policy, when it has one.
    public let resourcePolicy: String?
    /// How the called service words a denial.
    public let accessDenied: AccessDeniedStyle

    public init(action: String, resources: [String], context: CallContext, resourcePolicy: String?, accessDenied: AccessDeniedStyle) {
        self.action = action
        self.resources = resources
        self.context = context
        self.resourcePolicy = resourcePolicy
        self.accessDenied = accessDenied
    }
}

/// Decides whether a call may run. The IAM module provides the evaluator; the Dispatcher
/// asks it for every call, from HTTP or from a handler.
public protocol Authorizer: Sendable {
    /// Returns when allowed; throws the service's access-denied error otherwise.
    func authorize(_ request: AuthorizationRequest) async throws
    /// The decision with what made it (the timeline shows it); `denial` is what `authorize` throws.
    func evaluate(_ request: AuthorizationRequest) async -> AuthorizationOutcome
}

/// How a call was decided: `allowed`, `explicitDeny` or `implicitDeny` (or `unchecked` with
/// IAM off), the statement that decided it (`policy/Sid`), and the error a denial answers.
public struct AuthorizationOutcome: Sendable {
    public let decision: String
    public let statement: String?
    public let denial: (any Error)?

    public init(decision: String, statement: String?, denial: (any Error)?) {
        self.decision = decision
        self.statement = statement
        self.denial = denial
    }
}

extension Authorizer {
    public func evaluate(_ request: AuthorizationRequest) async -> AuthorizationOutcome {
        do {
            try await authorize(request)
            return AuthorizationOutcome(decision: "allowed", statement: nil, denial: nil)
        } catch {
            return AuthorizationOutcome(decision: "denied", statement: nil, denial: error)
        }
    }
}

/// Allows every call: `serve --iam off`.
public struct AllowAllAuthorizer: Authorizer {
    public init() {}
    public func authorize(_ request: AuthorizationRequest) async throws {}
}
