import Synchronization

/// Deadlines on the machine's clock, watched by one sleeping task rather than one per
/// deadline. A built-in handler's timeout is armed on every invocation and almost never
/// fires: a sleeping task each put a timer on Dispatch's heap, woke its manager thread and
/// was cancelled again, a sixth of an Invoke's time. Here arming is a table insert, and
/// the one task sleeps until the earliest deadline still armed.
public final class Watchdog: Sendable {
    private struct Armed {
        let deadline: MachineClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var armed: [Int: Armed] = [:]
        var lastID = 0
        /// When the sleeping task wakes, if one sleeps; a task superseded by an earlier
        /// deadline finds its generation gone and ends.
        var wake: MachineClock.Instant?
        var generation = 0
        var sleeper: Task<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// A deadline that calls `expire` (once, on the watchdog's task) unless disarmed first.
    public struct Ticket: Sendable {
        fileprivate let id: Int
    }

    /// Calls `expire` at `deadline` unless `disarm` is called with the ticket before then.
    public func arm(at deadline: MachineClock.Instant, _ expire: @escaping @Sendable () -> Void) -> Ticket {
        state.withLock { s in
            s.lastID &+= 1
            s.armed[s.lastID] = Armed(deadline: deadline, expire: expire)
            if let wake = s.wake, wake <= deadline { return Ticket(id: s.lastID) }
            s.sleeper?.cancel()
            s.generation &+= 1
            s.wake = deadline
            let generation = s.generation
            s.sleeper = Task { await self.sleep(until: deadline, generation: generation) }
            return Ticket(id: s.lastID)
        }
    }

    /// Forgets a deadline; nothing happens if it has already expired.
    public func disarm(_ ticket: Ticket) {
        state.withLock { _ = $0.armed.removeValue(forKey: ticket.id) }
    }

    /// Deadlines armed and not yet expired or disarmed.
    public var armedCount: Int { state.withLock { $0.armed.count } }

    private func sleep(until first: MachineClock.Instant, generation: Int) async {
        var wake = first
        while true {
            try? await Task.sleep(until: wake, clock: .continuous)
            let due: [Armed]? = state.withLock { s in
                guard s.generation == generation else { return nil }
                let now = MachineClock.now
                var due: [Int] = []
                var next: MachineClock.Instant?
                for (id, armed) in s.armed {
                    if armed.deadline <= now {
                        due.append(id)
                    } else if next.map({ armed.deadline < $0 }) ?? true {
                        next = armed.deadline
                    }
                }
                s.wake = next
                if let next { wake = next } else { s.sleeper = nil }
                return due.compactMap { s.armed.removeValue(forKey: $0) }
            }
            guard let due else { return }
            for armed in due.sorted(by: { $0.deadline < $1.deadline }) { armed.expire() }
            if state.withLock({ $0.generation != generation || $0.wake == nil }) { return }
        }
    }
}
