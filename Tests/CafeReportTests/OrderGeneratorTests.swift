import CafeReport
import Foundation
import GRDB
import Testing

struct OrderGeneratorTests {
    let from = LocalDay("2026-11-01")!

    @Test func sameSeedSameOrders() {
        let a = OrderGenerator(seed: 42).orders(from: from, days: 30)
        let b = OrderGenerator(seed: 42).orders(from: from, days: 30)
        let c = OrderGenerator(seed: 43).orders(from: from, days: 30)
        #expect(a == b)
        #expect(a != c)
        #expect(!a.isEmpty)
    }

    @Test func ordersAreRealistic() {
        let orders = OrderGenerator(seed: 7).orders(from: from, days: 28)
        // Lines of 1–15, distinct products, orders inside opening hours, in time order.
        #expect(orders.allSatisfy { o in o.lines.allSatisfy { (1...15).contains($0.quantity) } })
        #expect(orders.allSatisfy { o in Set(o.lines.map(\.productID)).count == o.lines.count })
        #expect(orders.allSatisfy { o in (7 * 3600..<19 * 3600).contains(o.time.secondOfDay) })
        #expect(zip(orders, orders.dropFirst()).allSatisfy { $0.time <= $1.time })
        // Sundays are quieter than any other day.
        var perDay: [LocalDay: Int] = [:]
        for o in orders { perDay[o.time.day, default: 0] += 1 }
        let sundays = perDay.filter { $0.key.weekday == 1 }.map(\.value)
        let others = perDay.filter { $0.key.weekday != 1 }.map(\.value)
        #expect(sundays.count == 4)
        #expect(sundays.max()! < others.min()!)
        // Drinks outsell tarts.
        let lines = orders.flatMap(\.lines)
        let drinks = lines.filter { [7, 8, 9].contains($0.productID) }.count
        let tarts = lines.filter { [5, 6].contains($0.productID) }.count
        #expect(drinks > 4 * tarts)
    }

    @Test func generatedOrdersStoreWithExactAmounts() throws {
        let db = try CafeDatabase.inMemory()
        let orders = OrderGenerator(seed: 1).orders(from: from, days: 3)
        try db.place(orders)
        #expect(try db.orderCount() == orders.count)
        let mismatched = try db.writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM "order" o WHERE CAST(REPLACE(o.amount, '.', '') AS INTEGER) !=
                      (SELECT SUM(CAST(REPLACE(i.amount, '.', '') AS INTEGER)) FROM order_item i WHERE i.order_number = o.order_number)
                    """)
        }
        #expect(mismatched == 0)
    }
}
