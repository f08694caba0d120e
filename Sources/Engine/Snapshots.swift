import CafeReport
import CloudCafeCore
public import Foundation
import GRDB
import GRDBSQLite
import IAM
import Logging
import SNS
import Synchronization

/// A named picture of the whole engine: every service's state, what is due on the clock,
/// the clock, the café's database, which emails were delivered, the timeline and IAM's
/// decisions. Kept in memory; taking and loading one takes milliseconds.
public struct EngineSnapshot: Sendable {
    public let name: String
    /// The virtual instant it was taken at, and the machine's.
    public let time: Date
    public let saved: Date
    let services: [String: any Sendable]
    let agenda: [AgendaItem]
    let rate: Double
    let cafe: DatabaseQueue
    let outbox: Set<String>
    let timeline: Timeline.Saved
    let decisions: [IAMAuthorizer.Record]
}

/// A snapshot's name: 1 to 64 letters, digits, `.`, `_` or `-`.
public struct SnapshotError: Error, CustomStringConvertible {
    public let description: String
}

extension CloudCafeEngine {
    var statefulServices: [any StatefulService] { [iam, logs, ssm, lambda, sns, sqs, events, schedules] }

    static func checkName(_ name: String) throws(SnapshotError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw SnapshotError(description: "a snapshot's name is 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }

    /// Takes a snapshot named `name`, replacing one of that name.
    @discardableResult
    public func saveSnapshot(_ name: String) async throws -> EngineSnapshot {
        try Self.checkName(name)
        var services: [String: any Sendable] = [:]
        for service in statefulServices { services[service.stateName] = await service.captureState() }
        let snapshot = EngineSnapshot(
            name: name, time: clock.now, saved: MachineClock.wallTime, services: services, agenda: agenda.pending, rate: clock.rate,
            cafe: try cafeDatabase.copy(), outbox: outbox.fileNames(), timeline: dispatcher.timeline.save(), decisions: authorizer.decisions)
        snapshots.withLock { $0[name] = snapshot }
        if let store = stateStore.withLock({ $0 }) { try store.saveSnapshot(name, try encode(snapshot)) }
        return snapshot
    }

    /// Loads the snapshot named `name`: the whole state goes back to it at once; emails
    /// delivered since are removed, warm execution environments retired.
    public func loadSnapshot(_ name: String) async throws {
        guard let snapshot = snapshots.withLock({ $0[name] }) else {
            throw SnapshotError(description: "no snapshot named \(name): `cloudcafe state list` shows the ones there are")
        }
        agenda.clear()
        for service in statefulServices {
            if let state = snapshot.services[service.stateName] { await service.restoreState(state) }
        }
        clock.set(snapshot.time)
        agenda.setRate(snapshot.rate)
        for item in snapshot.agenda { agenda.schedule(item) }
        try cafeDatabase.restore(from: snapshot.cafe)
        outbox.keepOnly(snapshot.outbox)
        dispatcher.timeline.restore(snapshot.timeline)
        authorizer.restoreDecisions(snapshot.decisions)
        await persistAll()
    }

    /// The snapshots there are, by name.
    public var snapshotList: [EngineSnapshot] { snapshots.withLock { $0.values.sorted { $0.name < $1.name } } }
}

// MARK: - Snapshots as bytes (export, import, --state-dir)

/// A snapshot as one JSON file: every service's state, what is due, the clock, the café's
/// database and the delivered emails' names. (The timeline and IAM's decision history stay
/// in memory.)
struct EncodedSnapshot: Codable {
    let format: Int
    let name: String
    let time: Date
    let saved: Date
    let rate: Double
    let services: [String: Data]
    let agenda: [AgendaItem]
    let cafe: Data
    let outbox: [String]
}

extension CloudCafeEngine {
    static let snapshotEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        return e
    }()

    static func snapshotDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        return d
    }

    func encode(_ s: EngineSnapshot) throws -> Data {
        var services: [String: Data] = [:]
        for service in statefulServices {
            if let state = s.services[service.stateName] { services[service.stateName] = try service.encodeState(state) }
        }
        let encoded = EncodedSnapshot(
            format: StateStore.format, name: s.name, time: s.time, saved: s.saved, rate: s.rate, services: services, agenda: s.agenda,
            cafe: try Self.bytes(of: s.cafe), outbox: s.outbox.sorted())
        return try Self.snapshotEncoder.encode(encoded)
    }

    func decodeSnapshot(_ data: Data, name: String? = nil) throws -> EngineSnapshot {
        let e: EncodedSnapshot
        do {
            e = try Self.snapshotDecoder().decode(EncodedSnapshot.self, from: data)
        } catch {
            throw SnapshotError(description: "this is not a CloudCafe snapshot: \(error)")
        }
        guard e.format <= StateStore.format else {
            throw SnapshotError(description: "the snapshot was written by a newer CloudCafe (format \(e.format); this one reads up to \(StateStore.format))")
        }
        var services: [String: any Sendable] = [:]
        for service in statefulServices {
            if let bytes = e.services[service.stateName] { services[service.stateName] = try service.decodeState(bytes) }
        }
        let finalName = name ?? e.name
        try Self.checkName(finalName)
        return EngineSnapshot(
            name: finalName, time: e.time, saved: e.saved, services: services, agenda: e.agenda, rate: e.rate, cafe: try Self.database(from: e.cafe),
            outbox: Set(e.outbox), timeline: Timeline(capacity: 0).save(), decisions: [])
    }

    /// The snapshot `name` as one file's bytes.
    public func exportSnapshot(_ name: String) throws -> Data {
        guard let s = snapshots.withLock({ $0[name] }) else {
            throw SnapshotError(description: "no snapshot named \(name): `cloudcafe state list` shows the ones there are")
        }
        return try encode(s)
    }

    /// Adds a snapshot from an exported file, under `name` or the name it was saved with.
    @discardableResult
    public func importSnapshot(_ data: Data, name: String? = nil) throws -> String {
        let s = try decodeSnapshot(data, name: name)
        snapshots.withLock { $0[s.name] = s }
        if let store = stateStore.withLock({ $0 }) { try store.saveSnapshot(s.name, data) }
        return s.name
    }

    /// A database's bytes, serialized in memory (no temporary file to leave behind).
    static func bytes(of db: DatabaseQueue) throws -> Data {
        try db.read { db in
            var size: sqlite3_int64 = 0
            guard let image = sqlite3_serialize(db.sqliteConnection, "main", &size, 0) else {
                throw SnapshotError(description: "the café database could not be serialized")
            }
            defer { sqlite3_free(image) }
            return Data(bytes: image, count: Int(size))
        }
    }

    /// A fresh in-memory database holding `bytes`; SQLite owns the copy it is given.
    static func database(from bytes: Data) throws -> DatabaseQueue {
        let memory = try DatabaseQueue()
        try memory.writeWithoutTransaction { db in
            guard let image = sqlite3_malloc64(sqlite3_uint64(max(bytes.count, 1))) else {
                throw SnapshotError(description: "no memory for the café database")
            }
            bytes.withUnsafeBytes { if let base = $0.baseAddress { image.copyMemory(from: base, byteCount: bytes.count) } }
            let size = sqlite3_int64(bytes.count)
            let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
            guard sqlite3_deserialize(db.sqliteConnection, "main", image.assumingMemoryBound(to: UInt8.self), size, size, flags) == SQLITE_OK else {
                throw SnapshotError(description: "the snapshot's café database is not a SQLite database")
            }
            // A damaged image is refused here rather than on the café's first query.
            guard (try? String.fetchOne(db, sql: "PRAGMA quick_check")) == "ok" else {
                throw SnapshotError(description: "the snapshot's café database is damaged")
            }
        }
        return memory
    }

    // MARK: --state-dir

    struct ClockState: Codable {
        let now: Date
        let rate: Double
    }

    /// Opens `store`: a state there is restored — every service, what is due, the clock (its
    /// rate unless `clockRate` is given), the snapshots — and true answered; an empty one
    /// answers false (deploy the stack, then `persistAll()`). Either way, from
    /// `startPersisting()` on, every change is written before it is acknowledged.
    public func openState(_ store: StateStore, clockRate: Double?) async throws -> Bool {
        stateStore.withLock { $0 = store }
        for (name, data) in try store.snapshots() {
            if let s = try? decodeSnapshot(data, name: name) { snapshots.withLock { $0[name] = s } }
        }
        guard !store.isEmpty else { return false }
        let blobs = try store.readAll()
        for service in statefulServices {
            guard let data = blobs[service.stateName] else { continue }
            do {
                await service.restoreState(try service.decodeState(data))
            } catch {
                throw StateStoreError("the \(service.stateName) state in \(store.directory.path) does not read: \(error)")
            }
        }
        agenda.clear()
        if let data = blobs["agenda"] {
            for item in try Self.snapshotDecoder().decode([AgendaItem].self, from: data) { agenda.schedule(item) }
        }
        if let data = blobs["clock"] {
            let c = try Self.snapshotDecoder().decode(ClockState.self, from: data)
            clock.set(c.now)
            agenda.setRate(clockRate ?? c.rate)
        }
        return true
    }

    /// Writes every change from now on: after each call (its service) and each item of the clock.
    public func startPersisting() {
        dispatcher.setAfterCall { [weak self] key in
            guard !Self.readsOnly(key.name) else { return }
            await self?.persist([key.service == "sts" ? "iam" : key.service])
        }
        agenda.setAfterItem { [weak self] item in
            await self?.persist([String(item.kind.split(separator: ".").first ?? "")])
        }
    }

    /// Operations that change nothing: nothing to write after them. (ReceiveMessage changes
    /// messages' visibility and counts; it is written.)
    static func readsOnly(_ operation: String) -> Bool {
        ["Get", "List", "Describe", "Test", "Simulate", "Filter"].contains { operation.hasPrefix($0) }
    }

    /// Writes the named services' states, what is due and the clock, in one transaction.
    public func persist(_ names: Set<String>) async {
        guard let store = stateStore.withLock({ $0 }) else { return }
        await store.lock.run {
            do {
                var blobs: [(String, Data)] = []
                for service in statefulServices where names.contains(service.stateName) {
                    blobs.append((service.stateName, try service.encodeState(await service.captureState())))
                }
                blobs.append(("agenda", try Self.snapshotEncoder.encode(agenda.pending)))
                blobs.append(("clock", try Self.snapshotEncoder.encode(ClockState(now: clock.now, rate: clock.rate))))
                try store.write(blobs)
            } catch {
                stateLogger.error("could not write the state", metadata: ["dir": "\(store.directory.path)", "error": "\(error)"])
            }
        }
    }

    /// Writes everything (after a deployment, a reset, a snapshot loaded).
    public func persistAll() async {
        await persist(Set(statefulServices.map(\.stateName)))
    }
}
