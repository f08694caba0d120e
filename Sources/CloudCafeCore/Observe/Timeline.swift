public import Foundation
import Synchronization

/// One thing that happened, on the virtual clock, with the id of what caused it.
public struct TimelineEntry: Sendable {
    /// Unique; an effect names it as its `cause`.
    public let id: String
    /// The order entries were recorded in (pagination follows it).
    public let sequence: Int
    public let time: Date
    /// `firing`, `invocation`, `call`, `delivery`, `retry`, `deadletter`, …
    public let kind: String
    /// The id of the entry that caused this one; nil for a root.
    public let cause: String?
    /// What the kind says: function, operation, decision, file, …
    public let details: [(String, JSONValue)]
    /// Inherited down the chain: the rule or schedule that started it, the function it ran in,
    /// the root of its chain (a trace).
    public let rule: String?
    public let function: String?
    public let root: String

    public subscript(_ key: String) -> JSONValue? { details.first { $0.0 == key }?.1 }

    /// As the admin API answers it.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("time", .string(TimeText.iso8601(time))), ("kind", .string(kind))]
        if let cause { members.append(("cause", .string(cause))) }
        return .object(members + details)
    }
}

/// Every effect with its cause, bounded: the oldest entries go first once `capacity` is
/// reached. Services record into it through the Dispatcher; the admin API, the CLI, the
/// console and the trace exporter read it.
public final class Timeline: Sendable {
    private struct State {
        var entries: [TimelineEntry] = []
        /// Index of the oldest live entry in `entries` (a ring kept as an array with a head).
        var head = 0
        /// Each live entry's sequence: an entry is kept once, in `entries` (at head + its
        /// sequence - the head's), not copied into an index too.
        var byID: [String: Int] = [:]
        var sequence = 0
        var listeners: [Int: @Sendable (TimelineEntry) -> Void] = [:]
        var nextListener = 0

        func index(of id: String) -> Int? {
            guard let sequence = byID[id], head < entries.count else { return nil }
            let i = head + sequence - entries[head].sequence
            return i >= head && i < entries.count && entries[i].id == id ? i : nil
        }

        func entry(_ id: String) -> TimelineEntry? { index(of: id).map { entries[$0] } }
    }

    public let capacity: Int
    private let state = Mutex(State())

    /// Keeps the newest `capacity` entries; 0 records nothing (`serve --timeline-capacity 0`).
    public init(capacity: Int = 20_000) {
        self.capacity = max(0, capacity)
    }

    /// Records an entry and returns its id (`id`, or a new one).
    @discardableResult
    public func record(_ kind: String, id: String? = nil, cause: String?, time: Date, details: [(String, JSONValue)]) -> String {
        guard capacity > 0 else { return id ?? "" }
        let (entry, listeners) = state.withLock { s -> (TimelineEntry, [@Sendable (TimelineEntry) -> Void]) in
            s.sequence += 1
            let parent = cause.flatMap { s.entry($0) }
            var rule = parent?.rule
            var function = parent?.function
            for (key, value) in details {
                if key == "rule" || key == "schedule", rule == nil { rule = value.stringValue }
                if key == "function", kind == "invocation" { function = value.stringValue }
            }
            let entryID = id ?? "e\(s.sequence)"
            let entry = TimelineEntry(
                id: entryID, sequence: s.sequence, time: time, kind: kind, cause: cause, details: details, rule: rule, function: function,
                root: parent?.root ?? cause ?? entryID)
            s.entries.append(entry)
            s.byID[entry.id] = entry.sequence
            if s.entries.count - s.head > capacity {
                s.byID[s.entries[s.head].id] = nil
                s.head += 1
                // Compact now and then, so the array does not hold what it dropped.
                if s.head > capacity / 4 + 1 {
                    s.entries.removeFirst(s.head)
                    s.head = 0
                }
            }
            return (entry, Array(s.listeners.values))
        }
        for listener in listeners { listener(entry) }
        return entry.id
    }

    /// Entries in recording order after `sequence` (0: from the oldest), filtered, at most `limit`;
    /// and the sequence to continue from when there are more.
    public func entries(
        after sequence: Int = 0, since: Date? = nil, until: Date? = nil, function: String? = nil, rule: String? = nil, limit: Int = 1000
    ) -> (entries: [TimelineEntry], next: Int?) {
        state.withLock { s in
            var found: [TimelineEntry] = []
            var i = s.head
            // Entries are in sequence order: skip to the first after `sequence`.
            // (Clamped: `sequence` comes from a client's nextToken and may be anything.)
            if sequence > 0, let first = s.entries[s.head...].first?.sequence, sequence >= first {
                i = s.head + min(sequence - first + 1, s.entries.count - s.head)
            }
            while i < s.entries.count {
                let e = s.entries[i]
                i += 1
                if let since, e.time < since { continue }
                if let until, e.time > until { continue }
                if let function, e.function != function { continue }
                if let rule, e.rule != rule { continue }
                found.append(e)
                if found.count == limit { return (found, i < s.entries.count ? e.sequence : nil) }
            }
            return (found, nil)
        }
    }

    public func entry(_ id: String) -> TimelineEntry? { state.withLock { $0.entry(id) } }

    /// Adds details to an entry once its outcome is known (an invocation's duration, a call's error).
    /// Listeners hear the entry again, complete.
    public func annotate(_ id: String, _ more: [(String, JSONValue)]) {
        let (updated, listeners) = state.withLock { s -> (TimelineEntry?, [@Sendable (TimelineEntry) -> Void]) in
            guard let index = s.index(of: id) else { return (nil, []) }
            let old = s.entries[index]
            let updated = TimelineEntry(
                id: old.id, sequence: old.sequence, time: old.time, kind: old.kind, cause: old.cause, details: old.details + more, rule: old.rule,
                function: old.function, root: old.root)
            s.entries[index] = updated
            return (updated, Array(s.listeners.values))
        }
        if let updated { for listener in listeners { listener(updated) } }
    }

    public var count: Int { state.withLock { $0.entries.count - $0.head } }

    /// The sequence of the newest entry: what is recorded later comes after it.
    public var lastSequence: Int { state.withLock { $0.sequence } }

    /// Calls `listener` with every entry recorded from now on, until `removeListener`.
    public func addListener(_ listener: @escaping @Sendable (TimelineEntry) -> Void) -> Int {
        state.withLock { s in
            s.nextListener += 1
            s.listeners[s.nextListener] = listener
            return s.nextListener
        }
    }

    public func removeListener(_ id: Int) {
        state.withLock { _ = $0.listeners.removeValue(forKey: id) }
    }

    /// What a snapshot keeps of the timeline.
    public struct Saved: Sendable {
        fileprivate let entries: [TimelineEntry]
        fileprivate let head: Int
        fileprivate let byID: [String: Int]
        fileprivate let sequence: Int
    }

    public func save() -> Saved {
        state.withLock { Saved(entries: $0.entries, head: $0.head, byID: $0.byID, sequence: $0.sequence) }
    }

    /// Puts back a saved timeline; sequences keep growing, so a stream's clients see no repeat.
    public func restore(_ saved: Saved) {
        state.withLock { s in
            (s.entries, s.head, s.byID) = (saved.entries, saved.head, saved.byID)
            s.sequence = max(s.sequence, saved.sequence)
        }
    }

    /// Forgets every entry (reset).
    public func clear() {
        state.withLock { s in
            s.entries = []
            s.head = 0
            s.byID = [:]
        }
    }
}
