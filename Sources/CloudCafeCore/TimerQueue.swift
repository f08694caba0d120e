public import Foundation
import Synchronization

/// Work due at a virtual instant (a retry of an asynchronous invocation): a clock move runs
/// each at its own instant, in time order, between the rules' firings.
public final class TimerQueue: Sendable {
    /// One piece of timed work.
    public struct Timer: Sendable {
        public let due: Date
        public let label: String
        let sequence: Int
        let work: @Sendable () async -> Void
    }

    private struct State {
        var timers: [Timer] = []
        var sequence = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `work` when the clock reaches `due`.
    public func schedule(at due: Date, label: String, _ work: @escaping @Sendable () async -> Void) {
        state.withLock { s in
            s.sequence += 1
            s.timers.append(Timer(due: due, label: label, sequence: s.sequence, work: work))
        }
    }

    /// The earliest due instant, if any.
    public var nextDue: Date? { state.withLock { $0.timers.map(\.due).min() } }

    /// Removes and returns the earliest timer due at or before `limit` (ties: first scheduled).
    public func popDue(upTo limit: Date) -> Timer? {
        state.withLock { s in
            guard
                let i = s.timers.indices.filter({ s.timers[$0].due <= limit }).min(by: {
                    (s.timers[$0].due, s.timers[$0].sequence) < (s.timers[$1].due, s.timers[$1].sequence)
                })
            else { return nil }
            return s.timers.remove(at: i)
        }
    }

    /// Runs a popped timer's work.
    public func run(_ timer: Timer) async { await timer.work() }

    /// Drops every pending timer (admin reset).
    public func clear() { state.withLock { $0.timers = [] } }
}
