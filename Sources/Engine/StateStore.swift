import CloudCafeCore
public import Foundation
import GRDB

/// `serve --state-dir DIR`: the engine's state in SQLite (`DIR/state.sqlite`, WAL). After
/// every call and every item of the clock, the services it touched are written with what
/// is due and the clock, in one transaction, before the call's answer goes out: what the
/// daemon acknowledged survives its death (power loss is out of scope: no fsync per write).
public final class StateStore: Sendable {
    /// The layout this CloudCafe writes; an older one is migrated, a newer one refused.
    public static let format = 1

    let queue: DatabaseQueue
    let lock = AsyncLock()
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: directory.appendingPathComponent("state.sqlite").path, configuration: config)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
            let written = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'").flatMap(Int.init)
            if let written, written > Self.format {
                throw StateStoreError(
                    "the state in \(directory.path) was written by a newer CloudCafe (format \(written); this one reads up to \(Self.format)): upgrade CloudCafe, or use another --state-dir"
                )
            }
            // Format 1 is the first: nothing older to migrate yet.
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?)", arguments: [String(Self.format)])
        }
    }

    /// Whether nothing has been written yet (a new state dir: the stack is deployed).
    public var isEmpty: Bool {
        (try? queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM blobs") }) ?? 0 == 0
    }

    func write(_ blobs: [(String, Data)]) throws {
        try queue.write { db in
            for (name, data) in blobs {
                try db.execute(sql: "INSERT OR REPLACE INTO blobs (name, data) VALUES (?, ?)", arguments: [name, data])
            }
        }
    }

    func readAll() throws -> [String: Data] {
        try queue.read { db in
            var out: [String: Data] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, data FROM blobs") { out[row["name"]] = row["data"] }
            return out
        }
    }

    func saveSnapshot(_ name: String, _ data: Data) throws {
        try queue.write { db in try db.execute(sql: "INSERT OR REPLACE INTO snapshots (name, data) VALUES (?, ?)", arguments: [name, data]) }
    }

    func snapshots() throws -> [(String, Data)] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT name, data FROM snapshots").map { ($0["name"], $0["data"]) } }
    }
}

public struct StateStoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
