import CloudCafeCore
import STSAPI

extension IAM {
    /// STS GetCallerIdentity: who the caller's credentials say it is. AWS allows it to everyone.
    func callerIdentity(_ ctx: CallContext) -> GetCallerIdentityResponse {
        let userId: String
        switch ctx.caller {
        case .root(let account): userId = account
        case .user(let arn): userId = arn.lastComponent
        case .assumedRole(let role, let session): userId = "AROA\(role.lastComponent.uppercased().prefix(17)):\(session)"
        case .service(let name): userId = name
        }
        return GetCallerIdentityResponse(userId: userId, account: ctx.account, arn: ctx.caller.arn)
    }
}
