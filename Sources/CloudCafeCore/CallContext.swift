public import Foundation

/// Everything an operation knows about the call it serves. Complete when built:
/// the Dispatcher makes it, reading `now` from the clock once.
public struct CallContext: Sendable {
    /// Who is calling.
    public let caller: Principal
    /// The account the call acts in.
    public let account: String
    /// The region the client signed for; resources of different regions are kept apart.
    public let region: String
    /// The request id AWS would return (`x-amzn-RequestId`).
    public let requestID: String
    /// For a call a service makes on behalf of a resource (EventBridge for a rule): that resource.
    public let sourceArn: String?
    /// The virtual instant of the call.
    public let now: Date
    /// The client's IP address for calls over HTTP (`aws:SourceIp`); nil for in-process calls.
    public let sourceIP: String?
    /// The id of what caused this call (a rule's firing, an invocation), for the timeline;
    /// nil for a call a client made.
    public let causeID: String?

    /// Builds a context; only the Dispatcher and tests of single services make one.
    public init(
        caller: Principal, account: String, region: String, requestID: String, sourceArn: String?, now: Date, sourceIP: String? = nil,
        causeID: String? = nil
    ) {
        self.caller = caller
        self.account = account
        self.region = region
        self.requestID = requestID
        self.sourceArn = sourceArn
        self.now = now
        self.sourceIP = sourceIP
        self.causeID = causeID
    }

    /// An ARN in this call's partition, region and account.
    public func arn(_ service: String, _ resource: String, region: String? = nil) -> ARN {
        ARN(service: service, region: region ?? self.region, account: account, resource: resource)
    }
}

/// Who makes a call and from where: the part of a `CallContext` a caller supplies.
public struct Caller: Sendable {
    /// The principal IAM evaluates.
    public var principal: Principal
    /// The region the call is for.
    public var region: String
    /// The resource a service acts for (`aws:SourceArn`).
    public var sourceArn: String?
    /// A request id chosen by the transport (the Gateway), or nil for a fresh one.
    public var requestID: String?
    /// The client's IP address, when the call came over HTTP.
    public var sourceIP: String?
    /// What caused the call, when a service or handler makes it.
    public var causeID: String?

    public init(
        principal: Principal, region: String, sourceArn: String? = nil, requestID: String? = nil, sourceIP: String? = nil, causeID: String? = nil
    ) {
        self.principal = principal
        self.region = region
        self.sourceArn = sourceArn
        self.requestID = requestID
        self.sourceIP = sourceIP
        self.causeID = causeID
    }
}
