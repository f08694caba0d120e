public import CloudCafeCore
public import Foundation
import Synchronization

/// `salesAnalysisReportDataExtractor.lambda_handler`: connects to cafe_db with the
/// credentials in its event and returns the report day's sales (docs/cafe-report.md).
public struct SalesAnalysisReportDataExtractor: LambdaHandler {
    /// The file `dbUrl` = `localhost` names: the daemon's own café database.
    let localDatabasePath: String
    /// The café's time zone, for a day derived from the clock; nil: New York's.
    let timeZone: TimeZone?
    /// Loaded at the first day derived from the clock, not when the daemon builds its handlers:
    /// a zone's rules are a million instructions of start-up.
    private static let newYork = TimeZone(identifier: "America/New_York") ?? .current
    /// Open databases by path: a warm function keeps its connection, as a pooled driver would.
    let connections = ConnectionCache()

    public init(localDatabasePath: String, timeZone: TimeZone? = nil) {
        self.localDatabasePath = localDatabasePath
        self.timeZone = timeZone
    }

    /// The lab's function imports PyMySQL, which only its layer provides.
    public var requiredModules: [String] { ["pymysql"] }

    public func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        // Read in this order, as the lab's function does: the first missing key is the KeyError.
        func value(_ key: String) throws -> String {
            guard let v = event[key]?.stringValue else { throw HandlerFailure(type: "KeyError", message: "'\(key)'") }
            return v
        }
        let (url, name, user, password) = (try value("dbUrl"), try value("dbName"), try value("dbUser"), try value("dbPassword"))
        let day = event["reportDate"]?.stringValue.flatMap(LocalDay.init) ?? LocalDay(context.clock.now, in: timeZone ?? Self.newYork)
        let rows: [SalesRow]
        switch try connect(url: url, name: name, user: user, password: password, day: day) {
        case .success(let sales):
            rows = sales
        case .failure(let error):
            context.logger.log("ERROR: Failed to connect to the Cafe database.")
            context.logger.log("Error Details: \(error.code) \(error.message)")
            throw RuntimeExit()
        }
        let body = JSONValue.array(
            rows.map { row in
                .object([
                    ("product_group_number", .int(row.productGroupNumber)), ("product_group_name", .string(row.productGroupName)),
                    ("product_id", .int(row.productID)), ("product_name", .string(row.productName)), ("quantity", .int(row.quantity)),
                ])
            })
        return .object([("statusCode", .int(200)), ("body", body)])
    }

    /// A MySQL client error: code and message, as PyMySQL reports them.
    struct ConnectError: Error {
        let code: Int
        let message: String
    }

    /// Opens cafe_db as a MariaDB client would: host, account, then the database name; and
    /// reads `day`'s sales in the same visit to the connection (a failing query throws).
    func connect(url: String, name: String, user: String, password: String, day: LocalDay) throws -> Result<[SalesRow], ConnectError> {
        // `localhost` is the daemon's own database; another café database file is opened read
        // only, never migrated or written; anything else is a server that does not answer.
        let own = ["localhost", "127.0.0.1"].contains(url) || url == localDatabasePath
        let path = own ? localDatabasePath : url
        // A query that fails is the handler's exception, not a connection error.
        let visit = FileManager.default.fileExists(atPath: path)
            ? try connections.withDatabase(at: path, own: own) { db in try db.sales(on: day, connectingAs: user, password: password) } : nil
        guard let visit else {
            return .failure(ConnectError(code: 2003, message: "Can't connect to MySQL server on '\(url)' ([Errno -2] Name or service not known)"))
        }
        guard let sales = visit else {
            return .failure(ConnectError(code: 1045, message: "Access denied for user '\(user)'@'localhost' (using password: YES)"))
        }
        guard name == "cafe_db" else {
            return .failure(ConnectError(code: 1049, message: "Unknown database '\(name)'"))
        }
        return .success(sales)
    }
}

/// Databases opened by the extractor, kept open between invocations. Each file has a few
/// connections, one per invocation running at the same time: on one connection, concurrent
/// invocations queued behind each other on its serial queue, a thread parked and woken per call.
final class ConnectionCache: Sendable {
    /// Idle connections kept per file; more are opened while that many are busy.
    static let idleLimit = 4

    private let idle = Mutex<[String: [CafeDatabase]]>([:])

    /// Runs `body` on a connection of the database at `path` that no other invocation is
    /// using: the daemon's own read-write, any other read only. Nil when it cannot be opened.
    func withDatabase<T>(at path: String, own: Bool, _ body: (CafeDatabase) throws -> T) rethrows -> T? {
        let db: CafeDatabase
        if let free = idle.withLock({ $0[path]?.popLast() }) {
            db = free
        } else if let opened = own ? try? CafeDatabase(path: path) : CafeDatabase.readOnly(path: path) {
            db = opened
        } else {
            return nil
        }
        defer {
            idle.withLock { idle in
                if idle[path, default: []].count < Self.idleLimit { idle[path, default: []].append(db) }
            }
        }
        return try body(db)
    }
}
