import Synchronization

/// Opens once; whoever waits before then resumes when it opens. The daemon starts its HTTP
/// server while the stack deploys: requests that arrive early, and the Agenda, wait here
/// until the stack is there.
public final class Gate: Sendable {
    private struct State {
        var open: Bool
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    public init(open: Bool = false) {
        state = Mutex(State(open: open))
    }

    public var isOpen: Bool { state.withLock { $0.open } }

    public func open() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for c in waiting { c.resume() }
    }

    public func wait() async {
        if isOpen { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let opened = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if opened { c.resume() }
        }
    }
}
