import ArgumentParser
import CafeReport
import CloudCafeCore
import Foundation

/// `cloudcafe orders`: place café orders in cafe_db directly, as the café application does.
struct Orders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Place or generate café orders in cafe_db.", subcommands: [Add.self, Generate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Place one order, in the running daemon's cafe_db (or in --cafe-db's file).",
            discussion: "Example: cloudcafe orders add --at 2026-11-27T14:05:00 \"Croissant=1\" \"Hot Chocolate=2\"")
        @OptionGroup var endpoint: EndpointOptions
        @Option(name: .customLong("cafe-db"), help: "Write this database file directly instead of the daemon's.") var cafeDB: String?
        @Option(help: "Café local time of the order (YYYY-MM-DDTHH:MM[:SS]).") var at: String
        @Argument(help: "Lines as NAME=QUANTITY (1-15).") var lines: [String] = []

        func validate() throws {
            guard LocalDateTime(at) != nil else { throw ValidationError("--at must look like 2026-11-27T14:05:00 (café local time)") }
            guard !lines.isEmpty else { throw ValidationError("give at least one NAME=QUANTITY") }
        }

        func run() async throws {
            guard let cafeDB else {
                let answer = try await endpoint.json(
                    "POST", "/_cloudcafe/orders", body: .object([("at", .string(at)), ("items", .array(lines.map(JSONValue.string)))]))
                print("order \(answer["order"]?.compact ?? "?") placed at \(answer["at"]?.stringValue ?? at)")
                return
            }
            do {
                let db = try CafeDatabase(path: cafeDB)
                let time = try OrderText.time(at)
                let numbers = try db.place([CafeDatabase.NewOrder(time: time, lines: try OrderText.lines(lines, menu: db.products()))])
                print("order \(numbers[0]) placed at \(time)")
            } catch let e as OrderText.Invalid {
                throw ValidationError(e.description)
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Fill days of realistic, reproducible café traffic (in the daemon's cafe_db, or --cafe-db's file).")
        @OptionGroup var endpoint: EndpointOptions
        @Option(name: .customLong("cafe-db"), help: "Write this database file directly instead of the daemon's.") var cafeDB: String?
        @Option(help: "First day (YYYY-MM-DD, café local).") var from: String
        @Option(help: "Number of days.") var days = 30
        @Option(help: "The same seed gives the same orders.") var seed: UInt64 = 42

        func validate() throws {
            guard LocalDay(from) != nil else { throw ValidationError("--from must look like 2026-11-01") }
            guard (1...36_500).contains(days) else { throw ValidationError("--days must be 1-36500") }
            guard seed <= UInt64(Int.max) else { throw ValidationError("--seed is too large") }
        }

        func run() async throws {
            guard let day = LocalDay(from) else { return }
            guard let cafeDB else {
                let answer = try await endpoint.json(
                    "POST", "/_cloudcafe/orders/generate", body: .object([("from", .string(from)), ("days", .int(days)), ("seed", .int(Int(seed)))]))
                print("\(answer["orders"]?.compact ?? "?") orders placed from \(day) over \(days) days")
                return
            }
            let orders = OrderGenerator(seed: seed).orders(from: day, days: days)
            try CafeDatabase(path: cafeDB).place(orders)
            print("\(orders.count) orders placed from \(day) over \(days) days")
        }
    }
}
