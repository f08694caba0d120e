import CloudCafeCore
public import Foundation

/// An EventBridge cron expression: `cron(minutes hours day-of-month month day-of-week year)`,
/// evaluated in UTC.
///
/// Grammar (EventBridge "Schedule expressions for rules"): six fields; `,` `-` `*` `/` in
/// every field; `?` in exactly one of the two day fields; `L` in day-of-month (last day) and
/// day-of-week (`L` = Saturday, `nL` = last weekday n of the month); `nW` and `LW` in
/// day-of-month; `n#k` in day-of-week. Day-of-week counts 1 = Sunday.
public struct CronExpression: Sendable, Hashable {
    /// Allowed minutes, hours, months (1-12) and years, as sorted lists.
    let minutes: [Int]
    let hours: [Int]
    let months: [Int]
    let years: [Int]
    let days: DayRule

    /// Which days of a month match: from the day-of-month field or the day-of-week field.
    enum DayRule: Sendable, Hashable {
        case daysOfMonth([DayOfMonthItem])
        case daysOfWeek([DayOfWeekItem])
    }

    enum DayOfMonthItem: Sendable, Hashable {
        case days(Set<Int>)
        case last
        case lastWeekday
        case nearestWeekday(Int)
    }

    enum DayOfWeekItem: Sendable, Hashable {
        case weekdays(Set<Int>)
        case lastOfMonth(weekday: Int)
        case nth(weekday: Int, k: Int)
    }

    /// The first year a cron expression may name, and the last.
    public static let yearRange = 1970...2199

    // MARK: - Parsing

    /// Parses the six fields inside `cron(...)`; nil when EventBridge would reject them.
    public init?(fields text: String) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 6 else { return nil }
        guard let minutes = Self.numericField(fields[0], 0...59),
            let hours = Self.numericField(fields[1], 0...23),
            let months = Self.numericField(fields[3], 1...12, names: Self.monthNames),
            let years = Self.numericField(fields[5], Self.yearRange)
        else { return nil }
        let domIsQuestion = fields[2] == "?"
        let dowIsQuestion = fields[4] == "?"
        guard domIsQuestion != dowIsQuestion else { return nil }
        if dowIsQuestion {
            guard let items = Self.dayOfMonthField(fields[2]) else { return nil }
            days = .daysOfMonth(items)
        } else {
            guard let items = Self.dayOfWeekField(fields[4]) else { return nil }
            days = .daysOfWeek(items)
        }
        self.minutes = minutes.sorted()
        self.hours = hours.sorted()
        self.months = months.sorted()
        self.years = years.sorted()
    }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// A value: a number in `range` or a name (1-based index into `names`).
    static func value(_ text: Substring, _ range: ClosedRange<Int>, names: [String]) -> Int? {
        if let n = Int(text), text.isASCIIDigits { return range.contains(n) ? n : nil }
        if let i = names.firstIndex(of: text.uppercased()) { return i + 1 }
        return nil
    }

    /// A field of `,`-separated items, each `*`, `v`, `a-b`, with an optional `/step`.
    static func numericField(_ text: String, _ range: ClosedRange<Int>, names: [String] = []) -> Set<Int>? {
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let values = rangeItem(item, range, names: names) else { return nil }
            result.formUnion(values)
        }
        return result.isEmpty ? nil : result
    }

    static func rangeItem(_ item: Substring, _ range: ClosedRange<Int>, names: [String]) -> Set<Int>? {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var step = 1
        if parts.count == 2 {
            guard let s = Int(parts[1]), parts[1].isASCIIDigits, s >= 1, s <= range.upperBound else { return nil }
            step = s
        }
        let base = parts[0]
        let lower: Int
        let upper: Int
        if base == "*" {
            (lower, upper) = (range.lowerBound, range.upperBound)
        } else if let dash = base.firstIndex(of: "-") {
            guard let a = value(base[..<dash], range, names: names), let b = value(base[base.index(after: dash)...], range, names: names), a <= b else {
                return nil
            }
            (lower, upper) = (a, b)
        } else {
            guard let v = value(base, range, names: names) else { return nil }
            // `a/n` runs from a to the end of the range.
            (lower, upper) = (v, parts.count == 2 ? range.upperBound : v)
        }
        return Set(stride(from: lower, through: upper, by: step))
    }

    static func dayOfMonthField(_ text: String) -> [DayOfMonthItem]? {
        var items: [DayOfMonthItem] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if item == "L" {
                items.append(.last)
            } else if item == "LW" {
                items.append(.lastWeekday)
            } else if item.hasSuffix("W") {
                let digits = item.dropLast()
                guard let n = Int(digits), digits.isASCIIDigits, (1...31).contains(n) else { return nil }
                items.append(.nearestWeekday(n))
            } else {
                guard let days = rangeItem(item, 1...31, names: []) else { return nil }
                items.append(.days(days))
            }
        }
        return items.isEmpty ? nil : items
    }

    static func dayOfWeekField(_ text: String) -> [DayOfWeekItem]? {
        var items: [DayOfWeekItem] = []
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        // EventBridge accepts a single `#` item only.
        guard parts.filter({ $0.contains("#") }).count <= 1 || parts.count == 1 else { return nil }
        for item in parts {
            if item == "L" {
                items.append(.weekdays([7]))
            } else if item.hasSuffix("L") {
                guard let d = value(item.dropLast(), 1...7, names: weekdayNames) else { return nil }
                items.append(.lastOfMonth(weekday: d))
            } else if let hash = item.firstIndex(of: "#") {
                let kText = item[item.index(after: hash)...]
                guard let d = value(item[..<hash], 1...7, names: weekdayNames), let k = Int(kText), kText.isASCIIDigits, (1...5).contains(k)
                else { return nil }
                items.append(.nth(weekday: d, k: k))
            } else {
                guard let days = rangeItem(item, 1...7, names: weekdayNames) else { return nil }
                items.append(.weekdays(days))
            }
        }
        return items.isEmpty ? nil : items
    }

    // MARK: - Evaluation

    /// The first instant strictly after `instant` at which the expression fires, or nil
    /// when it never fires again (its years are over).
    public func next(after instant: Date) -> Date? {
        let start = instant.addingTimeInterval(60 - instant.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
        let t = CivilTime(start)
        for year in years where year >= t.year {
            for month in months where year > t.year || month >= t.month {
                let sameMonth = year == t.year && month == t.month
                for day in matchingDays(year: year, month: month) where !sameMonth || day >= t.day {
                    let sameDay = sameMonth && day == t.day
                    for hour in hours where !sameDay || hour >= t.hour {
                        let sameHour = sameDay && hour == t.hour
                        if let minute = minutes.first(where: { !sameHour || $0 >= t.minute }) {
                            return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute)
                        }
                    }
                }
            }
        }
        return nil
    }

    /// The days of `month` in `year` that the day fields select, ascending.
    func matchingDays(year: Int, month: Int) -> [Int] {
        let count = CivilTime.daysIn(year: year, month: month)
        let firstWeekday = CivilTime.weekday(year: year, month: month, day: 1)  // 1 = Sunday
        func weekday(_ day: Int) -> Int { (firstWeekday - 1 + day - 1) % 7 + 1 }
        var result = Set<Int>()
        switch days {
        case .daysOfMonth(let items):
            for item in items {
                switch item {
                case .days(let set): result.formUnion(set.filter { $0 <= count })
                case .last: result.insert(count)
                case .lastWeekday: result.insert(Self.nearestWeekday(to: count, count: count, weekday: weekday))
                case .nearestWeekday(let n) where n <= count: result.insert(Self.nearestWeekday(to: n, count: count, weekday: weekday))
                case .nearestWeekday: break
                }
            }
        case .daysOfWeek(let items):
            for item in items {
                switch item {
                case .weekdays(let set): result.formUnion((1...count).filter { set.contains(weekday($0)) })
                case .lastOfMonth(let d): if let last = (1...count).last(where: { weekday($0) == d }) { result.insert(last) }
                case .nth(let d, let k):
                    let matches = (1...count).filter { weekday($0) == d }
                    if matches.count >= k { result.insert(matches[k - 1]) }
                }
            }
        }
        return result.sorted()
    }

    /// The weekday nearest to day `n` without leaving the month (`15W`, `LW`).
    static func nearestWeekday(to n: Int, count: Int, weekday: (Int) -> Int) -> Int {
        switch weekday(n) {
        case 7: return n == 1 ? 3 : n - 1  // Saturday: Friday before, or Monday after the 1st
        case 1: return n == count ? n - 2 : n + 1  // Sunday: Monday after, or Friday before the last day
        default: return n
        }
    }
}
