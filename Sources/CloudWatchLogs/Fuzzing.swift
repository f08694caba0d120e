/// Entry points for fuzzing and corpus replay: each takes what a client can send and must
/// answer, never trap.
public enum CloudWatchLogsFuzzing {
    /// A filter pattern, matched against `messages` when it compiles.
    public static func filterPattern(_ pattern: String, messages: [String]) {
        guard let p = try? LogFilterPattern(pattern) else { return }
        for m in messages { _ = p.match(m) }
    }
}
