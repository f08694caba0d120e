import CloudCafeCore
import Foundation
public import GRDB
import Synchronization

/// The café's database: schema, menu, orders and the report query, over SQLite.
public final class CafeDatabase: Sendable {
    private let connection: any DatabaseWriter
    /// Whether the schema and menu are known to be in place (always, read only).
    private let prepared: Mutex<Bool>

    /// The connection (a queue for files and for memory), with the schema and menu in place.
    public var writer: any DatabaseWriter {
        get throws {
            try prepare()
            return connection
        }
    }

    /// Opens the database at `path`; the schema and menu are created when absent, at the
    /// first use or `prepare()`.
    public convenience init(path: String) throws {
        self.init(writer: try DatabaseQueue(path: path))
    }

    /// An in-memory database with the schema and menu, for tests.
    public static func inMemory() throws -> CafeDatabase {
        let db = CafeDatabase(writer: try DatabaseQueue())
        try db.prepare()
        return db
    }

    init(writer: any DatabaseWriter) {
        connection = writer
        prepared = Mutex(false)
    }

    /// Creates the schema and menu unless they are there. The daemon calls it while its stack
    /// deploys (a new database takes a few milliseconds of start-up); every other use calls
    /// it first, and waits while it runs.
    public func prepare() throws {
        try prepared.withLock { done in
            guard !done else { return }
            // A new database is filled in three transactions: without a sync after each (a
            // process that dies meanwhile still leaves its journal), start-up is a few ms shorter.
            try connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = OFF") }
            try Self.migrator.migrate(connection)
            try connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            done = true
        }
    }

    /// Another café database, read only: never migrated, never written. Nil unless it is one.
    public static func readOnly(path: String) -> CafeDatabase? {
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration),
            (try? queue.read({ try $0.tableExists("server_account") && $0.tableExists("order") })) == true
        else { return nil }
        return CafeDatabase(reading: queue)
    }

    private init(reading queue: DatabaseQueue) {
        connection = queue
        prepared = Mutex(true)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("cafe_db v1") { db in
            try db.execute(sql: try Self.fixture("schema.sql"))
            try db.execute(sql: try Self.fixture("menu.sql"))
        }
        return m
    }

    /// A SQL file of fixtures/cafe_db, which travels with the binary.
    static func fixture(_ name: String) throws -> String {
        guard let url = ShippedResource.url(target: "CafeReport", "cafe_db/\(name)") ?? Bundle.module.url(forResource: "cafe_db/\(name)", withExtension: nil) else {
            throw CafeDatabaseError.missingFixture(name)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The report query without its comment lines: GRDB finds its prepared statement by the
    /// text, and an ASCII text hashes as bytes (the comment's "café" made each lookup
    /// normalize the whole query to NFC first).
    static let reportQuery: String = {
        let lines = ((try? fixture("report_query.sql")) ?? "").split(separator: "\n").filter { !$0.hasPrefix("--") }
        // Decoded afresh, so the string records that it is ASCII (slices of a non-ASCII one do not).
        return String(decoding: Array(lines.joined(separator: "\n").utf8), as: UTF8.self)
    }()

    // MARK: - Queries

    /// The menu, by id.
    public func products() throws -> [Product] {
        try writer.read { db in try Product.order(Column("id")).fetchAll(db) }
    }

    /// Totals per product for the orders of one café-local day (`YYYY-MM-DD`).
    // The extractor's two reads are single SELECTs, each consistent on its own: they run without
    // GRDB's read transaction (a savepoint and query_only pragmas, four statements around each),
    // and are prepared once per connection. Parsing the report query had been a fifth of an
    // extractor invocation, the transactions another sixth.
    public func sales(on day: LocalDay) throws -> [SalesRow] {
        try writer.unsafeRead { db in
            try SalesRow.fetchAll(db.cachedStatement(sql: Self.reportQuery), arguments: [day.start, day.next.start])
        }
    }

    /// Whether `user` may connect with `password`, as the database server decides.
    public func accepts(user: String, password: String) throws -> Bool {
        try writer.unsafeRead { db in try Self.accepts(db, user: user, password: password) }
    }

    /// The extractor's visit: the day's sales if `user` may connect with `password` (nil if
    /// not, or if the account cannot be read), both in one turn on the connection's queue.
    public func sales(on day: LocalDay, connectingAs user: String, password: String) throws -> [SalesRow]? {
        try writer.unsafeRead { db in
            // One read transaction: each statement on its own takes and drops the file's shared
            // lock and looks for a hot journal, eight system calls an invocation.
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            defer { try? db.cachedStatement(sql: "COMMIT").execute() }
            guard (try? Self.accepts(db, user: user, password: password)) == true else { return nil }
            return try SalesRow.fetchAll(db.cachedStatement(sql: Self.reportQuery), arguments: [day.start, day.next.start])
        }
    }

    private static func accepts(_ db: Database, user: String, password: String) throws -> Bool {
        try String.fetchOne(db.cachedStatement(sql: "SELECT password FROM server_account WHERE user_name = ?"), arguments: [user]) == password
    }

    /// The number of orders stored.
    public func orderCount() throws -> Int {
        try writer.read { db in try OrderRecord.fetchCount(db) }
    }

    // MARK: - Placing orders

    /// One line of an order to place.
    public struct Line: Sendable, Equatable {
        public let productID: Int64
        public let quantity: Int
        public init(productID: Int64, quantity: Int) {
            self.productID = productID
            self.quantity = quantity
        }
    }

    /// An order to place: café-local time and its lines.
    public struct NewOrder: Sendable, Equatable {
        public let time: LocalDateTime
        public let lines: [Line]
        public init(time: LocalDateTime, lines: [Line]) {
            self.time = time
            self.lines = lines
        }
    }

    /// A copy of the whole database in memory (SQLite's online backup), for a snapshot.
    public func copy() throws -> DatabaseQueue {
        let memory = try DatabaseQueue()
        try writer.backup(to: memory)
        return memory
    }

    /// Replaces the database's content with a copy taken earlier.
    public func restore(from copy: DatabaseQueue) throws {
        try copy.backup(to: writer)
    }

    /// Removes every order, numbering from 1 again (reset): the menu and accounts stay.
    public func clearOrders() throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM order_item")
            try db.execute(sql: "DELETE FROM `order`")
            if try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_sequence'") == true {
                try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'order'")
            }
        }
    }

    /// Places orders in one transaction, pricing each line from the menu; returns their numbers.
    @discardableResult
    public func place(_ orders: [NewOrder]) throws -> [Int64] {
        try writer.write { db in
            let menu = Dictionary(uniqueKeysWithValues: try Product.fetchAll(db).map { ($0.id, $0) })
            var numbers: [Int64] = []
            for order in orders {
                guard !order.lines.isEmpty else { throw CafeDatabaseError.emptyOrder }
                var items: [(Line, Money)] = []
                for line in order.lines {
                    guard let product = menu[line.productID] else { throw CafeDatabaseError.unknownProduct("\(line.productID)") }
                    guard (1...15).contains(line.quantity) else { throw CafeDatabaseError.badQuantity(line.quantity) }
                    items.append((line, product.price * line.quantity))
                }
                let total = items.reduce(Money.zero) { $0 + $1.1 }
                var record = OrderRecord(orderNumber: nil, orderDateTime: order.time.sqlText, amountText: total.description)
                try record.insert(db)
                guard let number = record.orderNumber else { throw CafeDatabaseError.emptyOrder }
                for (index, (line, amount)) in items.enumerated() {
                    try OrderItem(
                        orderNumber: number, orderItemNumber: index + 1, productID: line.productID, quantity: line.quantity, amountText: amount.description
                    )
                    .insert(db)
                }
                numbers.append(number)
            }
            return numbers
        }
    }
}

/// What can go wrong with cafe_db input.
public enum CafeDatabaseError: Error, Sendable, CustomStringConvertible, Equatable {
    case missingFixture(String)
    case unknownProduct(String)
    case badQuantity(Int)
    case emptyOrder

    public var description: String {
        switch self {
        case .missingFixture(let name): "fixture \(name) is missing from the installation"
        case .unknownProduct(let name): "no product named \(name) on the menu"
        case .badQuantity(let q): "quantity \(q) is outside 1-15"
        case .emptyOrder: "an order needs at least one line"
        }
    }
}
