import CloudCafeCore

/// Entry points for fuzzing and corpus replay: each takes what a client can send and must
/// answer, never trap.
public enum SNSFuzzing {
    /// A filter policy in both scopes, applied to `body` (and to it as attributes) when it compiles.
    public static func filterPolicy(_ policy: String, body: String) {
        for scope in [FilterPolicyScope.messageAttributes, .messageBody] {
            guard let f = try? SNS.filterPolicy(policy, scope: scope, reason: "") else { continue }
            _ = SNS.accepts(f, message: body, attributes: nil)
        }
    }
}
