public import CloudCafeCore

/// GetCallerIdentity input (no members).
public struct GetCallerIdentityInput: Sendable, Codable {
    public init() {}
}

/// GetCallerIdentity output.
public struct GetCallerIdentityOutput: Sendable, Codable {
    public var userId: String
    public var account: String
    public var arn: String
    enum CodingKeys: String, CodingKey { case userId = "UserId", account = "Account", arn = "Arn" }
}

extension IAM {
    /// STS GetCallerIdentity: who the caller's credentials say it is. AWS allows it to everyone.
    public static let getCallerIdentity = Operation<IAM, GetCallerIdentityInput, GetCallerIdentityOutput>(
        name: "GetCallerIdentity", action: "sts:GetCallerIdentity", needsNoPermission: true
    ) { _, _, ctx in
        let userId: String
        switch ctx.caller {
        case .root(let account): userId = account
        case .user(let arn): userId = arn.lastComponent
        case .assumedRole(let role, let session): userId = "AROA\(role.lastComponent.uppercased().prefix(17)):\(session)"
        case .service(let name): userId = name
        }
        return GetCallerIdentityOutput(userId: userId, account: ctx.account, arn: ctx.caller.arn)
    }
}
