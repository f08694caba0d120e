import Synchronization

/// Who makes a call: the identity IAM evaluates.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// The account's root user; what an unknown access key acts as.
    case root(account: String)
    /// An IAM user.
    case user(ARN)
    /// A session of an assumed role, as Lambda runs a function: `assumed-role/<role>/<session>`.
    case assumedRole(role: ARN, session: String)
    /// An AWS service acting on its own behalf (`events.amazonaws.com`).
    case service(String)

    /// The ARN AWS reports for this principal (in errors and GetCallerIdentity).
    public var arn: String {
        switch self {
        case .root(let account): Self.rootARN(account)
        case .user(let arn): arn.description
        case .assumedRole(let role, let session):
            "arn:aws:sts::\(role.account):assumed-role/\(role.lastComponent)/\(session)"
        case .service(let name): name
        }
    }

    /// The account the principal belongs to; nil for a service.
    public var account: String? {
        switch self {
        case .root(let account): account
        case .user(let arn): arn.account
        case .assumedRole(let role, _): role.account
        case .service: nil
        }
    }

    public var description: String { arn }

    /// The last root ARN spelled: every call of the account's root records it on the timeline,
    /// and interpolating it each time was a hundred-and-fiftieth of a GetParameter.
    private static let lastRoot = Mutex<(account: String, arn: String)?>(nil)

    private static func rootARN(_ account: String) -> String {
        if let last = lastRoot.withLock({ $0 }), last.account == account { return last.arn }
        let arn = "arn:aws:iam::\(account):root"
        lastRoot.withLock { $0 = (account, arn) }
        return arn
    }
}
