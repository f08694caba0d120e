public import Foundation
import HeapModule
import Synchronization

/// Something due at a virtual instant. A value, never a closure, so that durable state can
/// store it; the handler registered for its `kind` gives it behaviour.
public struct AgendaItem: Sendable, Codable, Equatable {
    /// Unique among pending items: scheduling an id again replaces the item.
    public let id: String
    /// The handler that runs it (`events.rule`, `lambda.retry`).
    public let kind: String
    /// The virtual instant it is due.
    public let due: Date
    /// The handler's input, JSON-encoded.
    public let payload: Data
    /// The id of what caused it (a firing, an invocation), for the timeline.
    public let cause: String?

    public init(id: String, kind: String, due: Date, payload: some Encodable, cause: String? = nil) {
        self.id = id
        self.kind = kind
        self.due = due
        self.payload = (try? JSONEncoder().encode(payload)) ?? Data("null".utf8)
        self.cause = cause
    }

    /// An item whose payload is one string (a rule's ARN): the hot path of a long clock move,
    /// so it skips the general encoder.
    public init(id: String, kind: String, due: Date, text: String, cause: String? = nil) {
        self.id = id
        self.kind = kind
        self.due = due
        var quoted: [UInt8] = []
        JSONValue.quote(text, into: &quoted, asciiOnly: false)
        self.payload = Data(quoted)
        self.cause = cause
    }

    /// The payload as the handler scheduled it.
    public func payload<P: Decodable>(as type: P.Type) throws -> P { try JSONDecoder().decode(type, from: payload) }

    /// A one-string payload (see `init(id:kind:due:text:)`).
    public var text: String? {
        // A rule's ARN needs no escape: read between the quotes without parsing (every firing does this).
        let plain: String? = payload.withUnsafeBytes { bytes in
            guard bytes.count >= 2, bytes.first == 0x22, bytes.last == 0x22, !bytes.contains(0x5C) else { return nil }
            return String(decoding: bytes[1..<(bytes.count - 1)], as: UTF8.self)
        }
        if let plain { return plain }
        if case .string(let s)? = try? JSONValue(parsing: payload) { return s }
        return nil
    }
}

/// One firing of a scheduled rule or schedule, as a clock move reports it.
public struct Firing: Sendable, Equatable {
    /// The rule's name (for a Scheduler schedule, `group/name`).
    public let rule: String
    /// The instant it fired: the scheduled instant, which its event's `time` carries.
    public let time: Date
    /// `rule` (EventBridge) or `schedule` (EventBridge Scheduler).
    public let kind: String

    public init(rule: String, time: Date, kind: String = "rule") {
        self.rule = rule
        self.time = time
        self.kind = kind
    }
}

/// What runs the items of one kind. A service registers its kinds in its declaration.
public struct AgendaKind: Sendable {
    /// The items' `kind`.
    public let name: String
    /// Among items due at the same instant, lower priorities run first (rules, then
    /// schedules, then retries); within a priority, items run in id order.
    public let priority: Int
    let run: @Sendable (AgendaItem) async -> Firing?

    /// `run` performs an item and reports the firing it was, if it was one.
    public init(_ name: String, priority: Int, run: @escaping @Sendable (AgendaItem) async -> Firing?) {
        self.name = name
        self.priority = priority
        self.run = run
    }
}

/// Everything due on the virtual clock, in one place.
///
/// A clock move runs every item due in between, in time order, each at its own instant: the
/// clock is set to the item's instant, its handler runs, and the move waits for all the work
/// it caused before the next one. When the clock runs (rate > 0), `run()` sleeps until the
/// next item is due and runs what the clock has reached, without polling.
public final class Agenda: Sendable {
    public let clock: VirtualClock
    let work: WorkTracker

    /// An item's id as the tables key it: hashed by its length and its ends (an ARN's
    /// differing part, the rule's name, is at the end), compared whole. Hashing whole ARNs
    /// a dozen times per firing was a sixth of a simulated day.
    struct IDKey: Hashable {
        let id: String
        init(_ id: String) { self.id = id }

        static func == (a: IDKey, b: IDKey) -> Bool { a.id == b.id }

        func hash(into hasher: inout Hasher) {
            // As whole words: `combine(bytes:)` on short runs cost more than the words do.
            var id = id
            id.withUTF8 { bytes in
                let n = bytes.count
                hasher.combine(n)
                guard let base = bytes.baseAddress else { return }
                let raw = UnsafeRawPointer(base)
                if n >= 16 {
                    hasher.combine(raw.loadUnaligned(as: UInt64.self))
                    hasher.combine(raw.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self))
                    hasher.combine(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
                } else {
                    var words: (UInt64, UInt64) = (0, 0)
                    withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
                    hasher.combine(words.0)
                    hasher.combine(words.1)
                }
            }
        }
    }

    private struct Entry: Comparable {
        let due: Date
        let priority: Int
        let id: String
        let version: Int
        static func < (a: Entry, b: Entry) -> Bool {
            if a.due != b.due { return a.due < b.due }
            if a.priority != b.priority { return a.priority < b.priority }
            let order = Self.order(a.id, b.id)
            return order != 0 ? order < 0 : a.version < b.version
        }

        /// Ids in byte order (as String orders ASCII ids: rule ARNs, schedule names), compared
        /// in place and once (negative: `a` first; zero: equal): hundreds of rules due at one
        /// instant made the heap's string comparisons a third of a simulated day.
        static func order(_ a: String, _ b: String) -> Int {
            let answer = a.utf8.withContiguousStorageIfAvailable { x in
                b.utf8.withContiguousStorageIfAvailable { y -> Int in
                    let n = min(x.count, y.count)
                    let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                    return c != 0 ? Int(c) : x.count - y.count
                }
            }
            return (answer ?? nil) ?? (a == b ? 0 : a < b ? -1 : 1)
        }
    }

    private struct State {
        /// Pending entries; stale ones (replaced or cancelled) are skipped when they surface.
        var heap = Heap<Entry>()
        var items: [IDKey: (item: AgendaItem, version: Int)] = [:]
        /// Items taken off to run and not finished yet: still pending for the state written
        /// meanwhile, so one interrupted by a crash runs again after the restart.
        var running: [IDKey: AgendaItem] = [:]
        var kinds: [String: AgendaKind] = [:]
        var version = 0
        /// Wakes `run()` when something changes what is due first, or the clock's rate.
        var wake: CheckedContinuation<Void, Never>?
        var woken = false
        /// Set at shutdown: a move in progress stops after the item it is running.
        var stopping = false
    }

    private let state = Mutex(State())
    /// One clock move or background pass at a time.
    private let lock = AsyncLock()

    public init(clock: VirtualClock, work: WorkTracker) {
        self.clock = clock
        self.work = work
    }

    /// Registers the handlers of a service's kinds.
    public func register(_ kinds: [AgendaKind]) {
        state.withLock { s in for k in kinds { s.kinds[k.name] = k } }
    }

    /// Schedules `item`, replacing any pending item with its id.
    public func schedule(_ item: AgendaItem) {
        state.withLock { s in
            s.version += 1
            s.items[IDKey(item.id)] = (item, s.version)
            s.heap.insert(Entry(due: item.due, priority: s.kinds[item.kind]?.priority ?? Int.max, id: item.id, version: s.version))
        }
        nudge()
    }

    /// Cancels the pending item `id`, if any.
    public func cancel(_ id: String) {
        state.withLock { s in _ = s.items.removeValue(forKey: IDKey(id)) }
    }

    /// The pending item `id`.
    public func item(_ id: String) -> AgendaItem? { state.withLock { $0.items[IDKey(id)]?.item } }

    /// Every pending item (running ones included), earliest first.
    public var pending: [AgendaItem] {
        state.withLock { s in
            (s.items.values.map(\.item) + s.running.values.filter { s.items[IDKey($0.id)] == nil }).sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        }
    }

    /// When the next item is due.
    public var nextDue: Date? { state.withLock { Self.top(&$0)?.due } }

    /// Drops every pending item (admin reset).
    public func clear() {
        state.withLock { s in
            s.items = [:]
            s.running = [:]
            s.heap = Heap()
        }
    }

    /// Stops what is in progress at the next item: a clock move answers with what fired so
    /// far, and the background loop ends (a graceful shutdown).
    public func stop() {
        state.withLock { $0.stopping = true }
        nudge()
    }

    /// Changes the clock's speed and lets the background loop follow it.
    public func setRate(_ rate: Double) {
        clock.setRate(rate)
        nudge()
    }

    /// Moves the clock to `target`. Forward, every item due in between runs first, each at
    /// its instant; backward, nothing runs. Returns the firings in the order they happened.
    public func move(to target: Date) async -> [Firing] {
        await move(to: target, keeping: .max).fired
    }

    /// What a long move reports: its first firings and how many there were, so a move of
    /// years does not hold every firing in memory.
    public struct Report: Sendable {
        public var fired: [Firing] = []
        public var count = 0
        public init() {}
    }

    /// Moves the clock to `target`, keeping the first `limit` firings and counting all.
    public func move(to target: Date, keeping limit: Int) async -> Report {
        await lock.run {
            // Work already under way (an asynchronous invocation) finishes at the time it started.
            await work.waitUntilIdle()
            var report = Report()
            while !state.withLock({ $0.stopping }), let item = popDue(upTo: target) {
                clock.set(item.due)
                if let f = await perform(item) {
                    report.count += 1
                    if report.fired.count < limit { report.fired.append(f) }
                }
                await work.waitUntilIdle()
            }
            // Stopped early, the clock stays at the last firing, so nothing in between is skipped.
            if !state.withLock({ $0.stopping }) { clock.set(target) }
            nudge()
            return report
        }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) async -> [Firing] {
        await move(to: clock.now.addingTimeInterval(seconds))
    }

    /// Follows the running clock until cancelled: sleeps until the next item is due (or
    /// until something changes that), then runs what the clock has reached, each item
    /// with its own instant.
    public func run() async {
        while !Task.isCancelled, !state.withLock({ $0.stopping }) {
            await lock.run {
                while !state.withLock({ $0.stopping }), let item = popDue(upTo: clock.now) {
                    _ = await perform(item)
                    await work.waitUntilIdle()
                }
            }
            let delay = nextDue.flatMap(clock.realDelay(until:))
            await sleep(upTo: delay)
        }
    }

    private func perform(_ item: AgendaItem) async -> Firing? {
        guard let kind = state.withLock({ $0.kinds[item.kind] }) else {
            state.withLock { _ = $0.running.removeValue(forKey: IDKey(item.id)) }
            return nil
        }
        let firing = await kind.run(item)
        state.withLock { _ = $0.running.removeValue(forKey: IDKey(item.id)) }
        await afterItem.withLock({ $0 })?.run(item)
        return firing
    }

    /// Called after each item has run (with `--state-dir`, what it changed is written then).
    private let afterItem = Mutex<Hook<AgendaItem>?>(nil)

    public func setAfterItem(_ hook: (@Sendable (AgendaItem) async -> Void)?) {
        afterItem.withLock { $0 = hook.map(Hook.init) }
    }

    /// Removes and returns the earliest live item due at or before `limit`.
    private func popDue(upTo limit: Date) -> AgendaItem? {
        state.withLock { s in
            guard let top = Self.top(&s), top.due <= limit else { return nil }
            s.heap.removeMin()
            let item = s.items.removeValue(forKey: IDKey(top.id))?.item
            if let item { s.running[IDKey(item.id)] = item }
            return item
        }
    }

    /// The earliest live entry, discarding stale ones above it.
    private static func top(_ s: inout State) -> Entry? {
        while let e = s.heap.min {
            if s.items[IDKey(e.id)]?.version == e.version { return e }
            s.heap.removeMin()
        }
        return nil
    }

    /// Waits for `delay` (forever when nil), or until `nudge()`.
    private func sleep(upTo delay: Duration?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { s -> Bool in
                            if s.woken || Task.isCancelled {
                                s.woken = false
                                return true
                            }
                            s.wake = c
                            return false
                        }
                        if resumeNow { c.resume() }
                    }
                } onCancel: {
                    self.nudge()
                }
            }
            if let delay {
                group.addTask { try? await MachineClock.sleep(for: delay) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Wakes the background loop so it looks again at what is due.
    private func nudge() {
        let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.wake = nil }
            if s.wake == nil { s.woken = true }
            return s.wake
        }
        c?.resume()
    }
}

/// A callback kept behind a lock (see `Dispatcher.afterCall`).
struct Hook<Argument>: Sendable {
    let run: @Sendable (Argument) async -> Void
}
