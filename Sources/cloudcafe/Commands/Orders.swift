import ArgumentParser
import CafeReport
import Foundation

/// `cloudcafe orders`: place café orders in cafe_db directly, as the café application does.
struct Orders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Place or generate café orders in cafe_db.", subcommands: [Add.self, Generate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place one order.", discussion: "Example: cloudcafe orders add --at 2026-11-27T14:05:00 \"Croissant=1\" \"Hot Chocolate=2\"")
        @Option(name: .customLong("cafe-db"), help: "The café database.") var cafeDB = "cafe_db.sqlite"
        @Option(help: "Café local time of the order (YYYY-MM-DDTHH:MM[:SS]).") var at: String
        @Argument(help: "Lines as NAME=QUANTITY (1-15).") var lines: [String]

        func run() async throws {
            guard let time = LocalDateTime(at) else { throw ValidationError("--at must look like 2026-11-27T14:05:00 (café local time)") }
            guard !lines.isEmpty else { throw ValidationError("give at least one NAME=QUANTITY") }
            let db = try CafeDatabase(path: cafeDB)
            let menu = try db.products()
            let parsed = try lines.map { text -> CafeDatabase.Line in
                guard let eq = text.lastIndex(of: "=") else { throw ValidationError("'\(text)' is not NAME=QUANTITY") }
                let name = text[..<eq].trimmingCharacters(in: .whitespaces)
                guard let product = menu.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                    throw ValidationError("no product named '\(name)'; the menu: \(menu.map(\.name).joined(separator: ", "))")
                }
                guard let q = Int(text[text.index(after: eq)...]), (1...15).contains(q) else { throw ValidationError("quantity in '\(text)' must be 1-15") }
                return CafeDatabase.Line(productID: product.id, quantity: q)
            }
            let numbers = try db.place([CafeDatabase.NewOrder(time: time, lines: parsed)])
            print("order \(numbers[0]) placed at \(time)")
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fill days of realistic, reproducible café traffic.")
        @Option(name: .customLong("cafe-db"), help: "The café database.") var cafeDB = "cafe_db.sqlite"
        @Option(help: "First day (YYYY-MM-DD, café local).") var from: String
        @Option(help: "Number of days.") var days = 30
        @Option(help: "The same seed gives the same orders.") var seed: UInt64 = 42

        func run() async throws {
            guard let day = LocalDay(from) else { throw ValidationError("--from must look like 2026-11-01") }
            guard (1...36_500).contains(days) else { throw ValidationError("--days must be 1-36500") }
            let orders = OrderGenerator(seed: seed).orders(from: day, days: days)
            try CafeDatabase(path: cafeDB).place(orders)
            print("\(orders.count) orders placed from \(day) over \(days) days")
        }
    }
}
