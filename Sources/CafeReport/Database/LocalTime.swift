public import Foundation
import CloudCafeCore

/// A calendar day in the café's time zone.
public struct LocalDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        // As bytes: every extractor invocation reads its report day.
        let b = Array(text.utf8)
        let number = { (range: Range<Int>) in Digits.number(b, range) }
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
            (1...12).contains(m), (1...CivilTime.daysIn(year: y, month: m)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The café-local day of `instant` in `zone`.
    public init(_ instant: Date, in zone: TimeZone) {
        let local = CivilTime(instant.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: instant))))
        self.init(year: local.year, month: local.month, day: local.day)
    }

    public var description: String { text(time: false) }

    /// The day's first instant as cafe_db writes times.
    public var start: String { text(time: true) }

    private func text(time: Bool) -> String {
        let date = Digits.isoDate(year: year, month: month, day: day)
        return time ? date + " 00:00:00" : date
    }

    /// The following day.
    public var next: LocalDay { adding(days: 1) }

    /// The day `n` days later.
    public func adding(days n: Int) -> LocalDay {
        let (y, m, d) = CivilTime.civil(fromDays: CivilTime.daysFromCivil(year, month, day) + n)
        return LocalDay(year: y, month: m, day: d)
    }

    /// 1 = Sunday … 7 = Saturday.
    public var weekday: Int { CivilTime.weekday(year: year, month: month, day: day) }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// A wall-clock time in the café's time zone, as orders are stamped.
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let day: LocalDay
    public let secondOfDay: Int

    public init(day: LocalDay, hour: Int, minute: Int, second: Int = 0) {
        self.day = day
        self.secondOfDay = hour * 3600 + minute * 60 + second
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS]` (or with a space).
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = LocalDay(String(parts[0])) else { return nil }
        let t = parts[1].split(separator: ":")
        guard (2...3).contains(t.count), let h = Int(t[0]), let m = Int(t[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        let s = t.count == 3 ? Int(t[2]) : 0
        guard let s, (0...59).contains(s) else { return nil }
        self.init(day: day, hour: h, minute: m, second: s)
    }

    /// `YYYY-MM-DD HH:MM:SS`, as cafe_db stores it.
    public var sqlText: String {
        day.description + " \(Digits.padded(secondOfDay / 3600, 2)):\(Digits.padded(secondOfDay % 3600 / 60, 2)):\(Digits.padded(secondOfDay % 60, 2))"
    }

    public var description: String { sqlText }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { (a.day, a.secondOfDay) < (b.day, b.secondOfDay) }
}
