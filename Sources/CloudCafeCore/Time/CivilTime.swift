public import Foundation

/// UTC calendar arithmetic without Foundation's Calendar or formatters on hot paths
/// (schedules, condition dates, event times).
public struct CivilTime: Sendable, Equatable {
    public let year, month, day, hour, minute, second: Int
    /// Milliseconds within the second, rounded (clamped to 999 so a second never overflows).
    public let millisecond: Int

    /// The UTC fields of `date` (dates within ±10,000 years).
    public init(_ date: Date) {
        let t = max(-315_000_000_000, min(315_000_000_000, date.timeIntervalSince1970))
        let seconds = Int(t.rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondsOfDay = seconds - days * 86_400
        (year, month, day) = Self.civil(fromDays: days)
        hour = secondsOfDay / 3600
        minute = secondsOfDay % 3600 / 60
        second = secondsOfDay % 60
        millisecond = min(999, Int(((t - t.rounded(.down)) * 1000).rounded()))
    }

    /// The instant of UTC fields.
    public static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int = 0) -> Date {
        let days = daysFromCivil(year, month, day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 1 = Sunday … 7 = Saturday.
    public static func weekday(year: Int, month: Int, day: Int) -> Int {
        let days = daysFromCivil(year, month, day)  // 1970-01-01 was a Thursday (5)
        return ((days % 7 + 7) % 7 + 4) % 7 + 1
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
