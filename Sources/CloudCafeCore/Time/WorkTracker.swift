import Synchronization

/// Counts background work (asynchronous invocations, deliveries) so that a clock move
/// can answer only once everything it caused has finished.
public final class WorkTracker: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `work` in the background, counted until it returns.
    public func spawn(_ work: @escaping @Sendable () async -> Void) {
        state.withLock { $0.running += 1 }
        Task {
            await work()
            self.finish()
        }
    }

    /// Returns once no counted work is running. Work spawned by counted work is counted
    /// before its parent finishes, so the count only reaches zero when all of it is done.
    public func waitUntilIdle() async {
        // Idle is the common case (a clock move asks after every firing): no suspension then.
        if state.withLock({ $0.running == 0 }) { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s -> Bool in
                if s.running == 0 { return true }
                s.waiters.append(c)
                return false
            }
            if idle { c.resume() }
        }
    }

    /// The number of pieces of work still running.
    public var running: Int { state.withLock { $0.running } }

    private func finish() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running -= 1
            guard s.running == 0 else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}
