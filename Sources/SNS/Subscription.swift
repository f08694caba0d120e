import CloudCafeCore

/// A subscription to a topic and its confirmation state.
///
/// Email subscriptions start pending; the token in the confirmation email (or
/// ConfirmSubscription) confirms them. Only confirmed subscriptions receive messages.
struct Subscription: Sendable, Codable {
    enum State: Sendable, Equatable, Codable {
        case pendingConfirmation(token: String)
        case confirmed
    }

    let arn: ARN
    let topicArn: ARN
    let `protocol`: String
    let endpoint: String
    let owner: String
    var state: State
    var rawMessageDelivery = false
    var filter: FilterPolicy?
    /// Set with or before a filter policy; AWS reports it only once a policy is set.
    var filterPolicyScope: FilterPolicyScope = .messageAttributes

    var isConfirmed: Bool { state == .confirmed }

    /// Confirms with `token`; false when the token is not this subscription's.
    mutating func confirm(token: String) -> Bool {
        switch state {
        case .confirmed: return true
        case .pendingConfirmation(let expected):
            guard expected == token else { return false }
            state = .confirmed
            return true
        }
    }
}
