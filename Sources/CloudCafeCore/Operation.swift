/// One AWS operation: its name, the IAM action it needs, the resources it acts on, and
/// the code that performs it on its service.
///
/// Services declare their operations as static values; the Dispatcher authorizes and runs them.
public struct Operation<Service: Sendable, Input: Sendable, Output: Sendable>: Sendable {
    /// The AWS operation name (`Publish`).
    public let name: String
    /// The IAM action (`sns:Publish`).
    public let action: String
    /// The resource ARNs IAM checks; `*` when the action has no resource.
    public let resources: @Sendable (Input, CallContext) -> [String]
    /// The resource-based policy of the resource acted on (a function's policy, a role's
    /// trust policy), read from the owning service for IAM to evaluate.
    public let resourcePolicy: (@Sendable (Service, Input, CallContext) async -> String?)?
    /// Operations AWS answers for every caller without asking IAM (`sts:GetCallerIdentity`).
    public let needsNoPermission: Bool
    /// Performs the operation.
    public let perform: @Sendable (Service, Input, CallContext) async throws -> Output

    public init(
        name: String, action: String,
        resource: @escaping @Sendable (Input, CallContext) -> String? = { _, _ in nil },
        resourcePolicy: (@Sendable (Service, Input, CallContext) async -> String?)? = nil,
        needsNoPermission: Bool = false,
        perform: @escaping @Sendable (Service, Input, CallContext) async throws -> Output
    ) {
        self.name = name
        self.action = action
        self.needsNoPermission = needsNoPermission
        self.resources = { input, ctx in [resource(input, ctx) ?? "*"] }
        self.resourcePolicy = resourcePolicy
        self.perform = perform
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
}

/// Decides whether a call may run. The IAM module provides the evaluator; the Dispatcher
/// asks it for every call, from HTTP or from a handler.
public protocol Authorizer: Sendable {
    /// Returns when allowed; throws the service's access-denied error otherwise.
    func authorize(_ request: AuthorizationRequest) async throws
}

/// Allows every call: `serve --iam off`.
public struct AllowAllAuthorizer: Authorizer {
    public init() {}
    public func authorize(_ request: AuthorizationRequest) async throws {}
}
