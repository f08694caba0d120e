public import Foundation
import Synchronization

/// One thing that happened, on the virtual clock, with the id of what caused it.
///
/// Its text is packed into one byte array — the timeline holds tens of thousands of entries,
/// and a String plus a JSONValue per field cost about 630 bytes an entry. The fields are read
/// back when asked for (the admin API, the console, the exporter), not on the request path.
public struct TimelineEntry: Sendable {
    /// The order entries were recorded in (pagination follows it).
    public let sequence: Int
    public let time: Date
    /// id, kind, cause, rule, function, root, each a varint length then its UTF-8 (optional
    /// fields store length + 1, 0 for none); then the details as a compact JSON object.
    private let packed: [UInt8]

    private enum Field: Int { case id, kind, cause, rule, function, root, details }

    init(
        id: String, sequence: Int, time: Date, kind: String, cause: String?, details: [(String, JSONValue)], rule: String?, function: String?,
        root: String
    ) {
        self.sequence = sequence
        self.time = time
        var out: [UInt8] = []
        out.reserveCapacity(256)
        Self.append(id, to: &out)
        Self.append(kind, to: &out)
        Self.append(optional: cause, to: &out)
        Self.append(optional: rule, to: &out)
        Self.append(optional: function, to: &out)
        Self.append(root, to: &out)
        JSONValue.object(details).writeCompact(to: &out)
        packed = Self.exact(out)
    }

    private init(sequence: Int, time: Date, packed: [UInt8]) {
        (self.sequence, self.time, self.packed) = (sequence, time, packed)
    }

    /// Unique; an effect names it as its `cause`.
    public var id: String { text(.id) ?? "" }
    /// `firing`, `invocation`, `call`, `delivery`, `retry`, `deadletter`, …
    public var kind: String { text(.kind) ?? "" }
    /// The id of the entry that caused this one; nil for a root.
    public var cause: String? { text(.cause) }
    /// Inherited down the chain: the rule or schedule that started it, the function it ran in,
    /// the root of its chain (a trace).
    public var rule: String? { text(.rule) }
    public var function: String? { text(.function) }
    public var root: String { text(.root) ?? "" }

    /// What the kind says: function, operation, decision, file, …
    public var details: [(String, JSONValue)] {
        guard let range = range(.details), case .object(let members)? = try? JSONValue(parsing: packed[range]) else { return [] }
        return members
    }

    public subscript(_ key: String) -> JSONValue? { details.first { $0.0 == key }?.1 }

    /// As the admin API answers it.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("time", .string(TimeText.iso8601(time))), ("kind", .string(kind))]
        if let cause { members.append(("cause", .string(cause))) }
        return .object(members + details)
    }

    /// Whether the entry's id is `id`, read in place.
    func hasID(_ id: String) -> Bool {
        guard let range = range(.id) else { return false }
        var id = id
        return id.withUTF8 { $0.elementsEqual(packed[range]) }
    }

    /// The hash the timeline's index keeps for `id`: of its UTF-8, as `idHash` reads it in place.
    static func hash(_ id: String) -> Int {
        var id = id
        return id.withUTF8 { hash(bytes: UnsafeRawBufferPointer($0)) }
    }

    var idHash: Int {
        let range = range(.id) ?? 0..<0
        return packed.withUnsafeBytes { Self.hash(bytes: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private static func hash(bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// The entry with `more` details after its own.
    func adding(_ more: [(String, JSONValue)]) -> TimelineEntry {
        guard !more.isEmpty, let range = range(.details) else { return self }
        var out = Array(packed[..<(range.upperBound - 1)])  // without the closing brace
        var tail: [UInt8] = []
        JSONValue.object(more).writeCompact(to: &tail)
        if packed[range.upperBound - 2] != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: tail.dropFirst())
        return TimelineEntry(sequence: sequence, time: time, packed: Self.exact(out))
    }

    /// A copy without spare capacity: it is kept for as long as the entry lives.
    private static func exact(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }

    private func text(_ field: Field) -> String? {
        range(field).map { String(decoding: packed[$0], as: UTF8.self) }
    }

    /// Where `field`'s bytes are; nil for an absent optional field.
    private func range(_ field: Field) -> Range<Int>? {
        var i = 0
        for f in 0...Field.root.rawValue {
            var length = 0
            var shift = 0
            while true {
                let b = packed[i]
                i += 1
                length |= Int(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            let optional = f == Field.cause.rawValue || f == Field.rule.rawValue || f == Field.function.rawValue
            if optional { length -= 1 }
            if f == field.rawValue { return length < 0 ? nil : i..<(i + length) }
            i += max(length, 0)
        }
        return i..<packed.count
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        appendLength(text.utf8.count, to: &out)
        out.append(contentsOf: text.utf8)
    }

    private static func append(optional text: String?, to out: inout [UInt8]) {
        guard let text else { return out.append(0) }
        appendLength(text.utf8.count + 1, to: &out)
        out.append(contentsOf: text.utf8)
    }

    private static func appendLength(_ length: Int, to out: inout [UInt8]) {
        var n = length
        while n >= 0x80 {
            out.append(UInt8(n & 0x7F) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
    }
}

/// Live entries' sequences by their id's hash; ids whose hash another live entry has are
/// kept whole in `collided`.
struct IDIndex: Sendable {
    var hashed: [Int: Int] = [:]
    var collided: [String: Int] = [:]
}

/// Every effect with its cause, bounded: the oldest entries go first once `capacity` is
/// reached. Services record into it through the Dispatcher; the admin API, the CLI, the
/// console and the trace exporter read it.
public final class Timeline: Sendable {
    private struct State {
        var entries: [TimelineEntry] = []
        /// Index of the oldest live entry in `entries` (a ring kept as an array with a head).
        var head = 0
        /// Each live entry's sequence by a hash of its id: an entry is kept once, in `entries`
        /// (at head + its sequence - the head's), and the index holds no strings.
        var byID = IDIndex()
        var sequence = 0
        var listeners: [Int: @Sendable (TimelineEntry) -> Void] = [:]
        var nextListener = 0

        func index(of id: String) -> Int? {
            let hash = TimelineEntry.hash(id)
            if let i = byID.hashed[hash].flatMap(position), entries[i].hasID(id) { return i }
            return byID.collided[id].flatMap(position)
        }

        func position(of sequence: Int) -> Int? {
            guard head < entries.count else { return nil }
            let i = head + sequence - entries[head].sequence
            return i >= head && i < entries.count ? i : nil
        }

        mutating func index(_ entry: TimelineEntry, id: String) {
            let hash = TimelineEntry.hash(id)
            if let other = byID.hashed[hash].flatMap(position), !entries[other].hasID(id) {
                byID.collided[id] = entry.sequence
            } else {
                byID.hashed[hash] = entry.sequence
            }
        }

        mutating func unindex(_ entry: TimelineEntry) {
            let hash = entry.idHash
            if byID.hashed[hash] == entry.sequence {
                byID.hashed[hash] = nil
            } else {
                byID.collided[entry.id] = nil
            }
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
            s.index(entry, id: entryID)
            if s.entries.count - s.head > capacity {
                s.unindex(s.entries[s.head])
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
            let updated = s.entries[index].adding(more)
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
        fileprivate let byID: IDIndex
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
            s.byID = IDIndex()
        }
    }
}
