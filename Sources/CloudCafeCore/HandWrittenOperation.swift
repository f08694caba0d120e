/// An operation of a service whose Swift shapes are still written by hand (IAM,
/// EventBridge, Scheduler): its name, IAM action, resources and implementation. It is
/// installed like a generated one (`bind`), and the wire validates it from the same
/// botocore model; moving these services to generated shapes retires this type.
public struct Operation<Service: Sendable, Input: Codable & Sendable, Output: Codable & Sendable>: Sendable {
    /// The AWS operation name (`CreateRole`).
    public let name: String
    /// The IAM action (`iam:CreateRole`); its prefix names the service.
    public let action: String
    let resource: @Sendable (Input, CallContext) -> String?
    let resourcePolicy: (@Sendable (Service, Input, CallContext) async -> String?)?
    let needsNoPermission: Bool
    let perform: @Sendable (Service, Input, CallContext) async throws -> Output

    public init(
        name: String, action: String,
        resource: @escaping @Sendable (Input, CallContext) -> String? = { _, _ in nil },
        resourcePolicy: (@Sendable (Service, Input, CallContext) async -> String?)? = nil,
        needsNoPermission: Bool = false,
        perform: @escaping @Sendable (Service, Input, CallContext) async throws -> Output
    ) {
        self.name = name
        self.action = action
        self.resource = resource
        self.resourcePolicy = resourcePolicy
        self.needsNoPermission = needsNoPermission
        self.perform = perform
    }

    /// The descriptor callers send through the Dispatcher.
    public var descriptor: OperationDescriptor<Input, Output> {
        OperationDescriptor(service: String(action.prefix { $0 != ":" }), name: name)
    }
}

extension AWSService {
    /// Installs a hand-written operation on this instance.
    public nonisolated func bind<I, O>(_ operation: Operation<Self, I, O>) -> ServiceOperation {
        implement(
            operation.descriptor, action: operation.action, resource: operation.resource, resourcePolicy: operation.resourcePolicy,
            needsNoPermission: operation.needsNoPermission, operation.perform)
    }
}

extension AWSClient {
    /// Performs a hand-written operation as this client's caller.
    public func send<S, I, O>(_ operation: Operation<S, I, O>, _ input: I) async throws -> O {
        try await send(operation.descriptor, input)
    }
}
