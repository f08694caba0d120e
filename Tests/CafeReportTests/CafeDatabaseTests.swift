import CafeReport
import Foundation
import GRDB
import Testing

struct CafeDatabaseTests {
    func day(_ text: String) -> LocalDay { LocalDay(text)! }
    func at(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

    @Test func menuIsTheLabs() throws {
        let db = try CafeDatabase.inMemory()
        let menu = try db.products()
        #expect(
            menu.map(\.name) == [
                "Croissant", "Donut", "Chocolate Chip Cookie", "Muffin", "Strawberry Blueberry Tart", "Strawberry Tart", "Coffee", "Hot Chocolate", "Latte",
            ])
        #expect(menu.map { $0.price.description } == ["1.50", "1.00", "2.50", "3.00", "3.50", "3.50", "3.00", "3.00", "3.50"])
        #expect(menu.map(\.group) == [1, 1, 1, 1, 1, 1, 2, 2, 2])
    }

    @Test func dayArithmeticAgreesWithTheGregorianCalendar() {
        // Month ends, leap days and years, centuries, and steps either way, against Foundation.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = day("1899-12-25")
        for offset in stride(from: 0, through: 80_000, by: 13) {
            for step in [-400, -1, 1, 29, 366] {
                let from = start.adding(days: offset)
                let expected = calendar.dateComponents(
                    [.year, .month, .day, .weekday],
                    from: calendar.date(byAdding: .day, value: offset + step, to: calendar.date(from: DateComponents(year: 1899, month: 12, day: 25))!)!)
                let got = from.adding(days: step)
                let want: [Int?] = [expected.year, expected.month, expected.day, expected.weekday]
                let have: [Int?] = [got.year, got.month, got.day, got.weekday]
                #expect(have == want, "\(from) + \(step)")
                if step == 1 {
                    // Its text reads back, and is what printf writes.
                    #expect(from.description == String(format: "%04d-%02d-%02d", from.year, from.month, from.day))
                    #expect(from.start == from.description + " 00:00:00")
                    #expect(LocalDay(from.description) == from)
                }
            }
        }
    }

    @Test func dayTextIsReadStrictly() {
        for bad in ["2026-13-01", "2026-02-29", "2026-2-01", "2026/02/01", "20260201", "2026-02-0x", "", "2024-02-29x"] { #expect(LocalDay(bad) == nil, "\(bad)") }
        #expect(LocalDay("2024-02-29") == LocalDay(year: 2024, month: 2, day: 29))
    }

    @Test func ordersJustAroundMidnightLandOnTheirOwnDay() throws {
        // Given orders one second either side of midnight, café local time
        let db = try CafeDatabase.inMemory()
        try db.place([
            .init(time: at("2026-11-27T23:59:59"), lines: [.init(productID: 1, quantity: 2)]),
            .init(time: at("2026-11-28T00:00:00"), lines: [.init(productID: 7, quantity: 3)]),
            .init(time: at("2026-11-26T23:59:59"), lines: [.init(productID: 9, quantity: 1)]),
        ])
        // When each day is reported
        let friday = try db.sales(on: day("2026-11-27"))
        let saturday = try db.sales(on: day("2026-11-28"))
        // Then each order counts on its own day only
        #expect(friday == [SalesRow(productGroupNumber: 1, productGroupName: "Pastries", productID: 1, productName: "Croissant", quantity: 2)])
        #expect(saturday == [SalesRow(productGroupNumber: 2, productGroupName: "Drinks", productID: 7, productName: "Coffee", quantity: 3)])
    }

    @Test func reportDayFollowsTheCafeTimeZone() throws {
        // 2026-11-28T04:30Z is still Friday evening in New York.
        let zone = TimeZone(identifier: "America/New_York")!
        let instant = ISO8601DateFormatter().date(from: "2026-11-28T04:30:00Z")!
        #expect(LocalDay(instant, in: zone) == day("2026-11-27"))
        #expect(LocalDay(ISO8601DateFormatter().date(from: "2026-11-28T05:00:00Z")!, in: zone) == day("2026-11-28"))
    }

    @Test func totalsAreGroupedAndOrdered() throws {
        let db = try CafeDatabase.inMemory()
        try db.place([
            .init(time: at("2026-11-27T09:00"), lines: [.init(productID: 9, quantity: 2), .init(productID: 2, quantity: 1)]),
            .init(time: at("2026-11-27T10:00"), lines: [.init(productID: 2, quantity: 4), .init(productID: 7, quantity: 1)]),
        ])
        let rows = try db.sales(on: day("2026-11-27"))
        #expect(rows.map(\.productID) == [2, 7, 9])
        #expect(rows.map(\.quantity) == [5, 1, 2])
    }

    @Test func itemAmountsAreExactAndSumToTheOrder() throws {
        let db = try CafeDatabase.inMemory()
        try db.place([.init(time: at("2026-11-27T09:00"), lines: [.init(productID: 5, quantity: 3), .init(productID: 1, quantity: 7)])])
        let (items, total) = try db.writer.read { db in
            (
                try String.fetchAll(db, sql: "SELECT amount FROM order_item ORDER BY order_item_number"),
                try String.fetchOne(db, sql: #"SELECT amount FROM "order""#)
            )
        }
        #expect(items == ["10.50", "10.50"])
        #expect(total == "21.00")
    }

    @Test func badLinesAreRejectedWithoutWritingAnything() throws {
        let db = try CafeDatabase.inMemory()
        #expect(throws: CafeDatabaseError.badQuantity(16)) {
            try db.place([
                .init(time: at("2026-11-27T09:00"), lines: [.init(productID: 1, quantity: 1)]),
                .init(time: at("2026-11-27T09:00"), lines: [.init(productID: 1, quantity: 16)]),
            ])
        }
        #expect(throws: CafeDatabaseError.unknownProduct("99")) {
            try db.place([.init(time: at("2026-11-27T09:00"), lines: [.init(productID: 99, quantity: 1)])])
        }
        #expect(try db.orderCount() == 0)
    }

    @Test func accountsAreChecked() throws {
        let db = try CafeDatabase.inMemory()
        #expect(try db.accepts(user: "root", password: "Re:Start!9"))
        #expect(try !db.accepts(user: "root", password: "wrong"))
        #expect(try !db.accepts(user: "admin", password: "Re:Start!9"))
    }
}

struct MoneyTests {
    @Test(arguments: [("3.50", 350), ("3.5", 350), ("3", 300), ("0.05", 5), ("12.00", 1200)])
    func parses(_ text: String, _ cents: Int64) {
        #expect(Money(text)?.cents == cents)
    }

    @Test(arguments: ["", "-1.00", "1.234", "a.bc", "1..0", ".5"])
    func rejects(_ text: String) {
        #expect(Money(text) == nil)
    }

    @Test func printsTwoDecimals() {
        #expect(Money(cents: 2105).description == "21.05")
        #expect(Money(cents: 7).description == "0.07")
        #expect((Money("3.50")! * 3).description == "10.50")
        #expect(Money("3.50")!.decimal == Decimal(string: "3.5"))
    }

    @Test func pricesOutsideDecimal10_2AreNotMoney() {
        // A price from someone else's database file must not overflow when multiplied.
        #expect(Money("99999999.99")?.description == "99999999.99")
        #expect(Money("100000000") == nil)
        #expect(Money("92233720368547758.07") == nil)
        #expect(Money("-1") == nil)
    }
}
