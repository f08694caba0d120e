public import Foundation

/// Reading and writing times as users type them and as the admin API answers.
public enum TimeText {
    /// Parses a duration: `90s`, `2m`, `3h`, `1d`, `1w`, `1y` (365 days), or ISO 8601 (`PT2M`,
    /// `P1DT2H`, `P1W`). Negative durations are allowed with a leading `-`.
    public static func duration(_ text: String) -> TimeInterval? {
        guard let seconds = unboundedDuration(text), seconds.isFinite, abs(seconds) <= maximumMove else { return nil }
        return seconds
    }

    /// The longest move the clock accepts in one step: 200 years, past the end of cron's years.
    public static let maximumMove: TimeInterval = 200 * 366 * 86_400

    static func unboundedDuration(_ text: String) -> TimeInterval? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if s.hasPrefix("-") {
            sign = -1
            s = s.dropFirst()
        }
        if s.hasPrefix("P") || s.hasPrefix("p") { return iso8601Duration(s.dropFirst().uppercased()).map { $0 * sign } }
        guard let unit = s.last, let value = Double(s.dropLast()), value >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        case "y": seconds = 31_536_000
        default: return nil
        }
        return value * seconds * sign
    }

    static func iso8601Duration(_ s: String) -> TimeInterval? {
        var total = 0.0
        var number = ""
        var inTime = false
        var sawComponent = false
        for c in s {
            if c == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if c.isNumber || c == "." {
                number.append(c)
                continue
            }
            guard let v = Double(number) else { return nil }
            number = ""
            sawComponent = true
            switch (c, inTime) {
            case ("W", false): total += v * 604_800
            case ("D", false): total += v * 86_400
            case ("H", true): total += v * 3600
            case ("M", true): total += v * 60
            case ("S", true): total += v
            default: return nil
            }
        }
        return number.isEmpty && sawComponent ? total : nil
    }

    /// Parses an ISO 8601 instant (`2026-11-28T19:59:00Z`, with or without fractional seconds
    /// or an offset).
    public static func instant(_ text: String) -> Date? {
        if let fast = fastInstant(text) { return fast }
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// `2026-11-28T20:00:00Z`, or with milliseconds when the instant has them.
    public static func iso8601(_ date: Date) -> String {
        let c = CivilTime(date)
        return c.millisecond == 0 ? c.isoDateTime + "Z" : c.isoDateTime + "." + Digits.padded(c.millisecond, 3) + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]` then `Z` or `±HH:MM`, without a formatter: the forms every
    /// client, policy and botocore document uses.
    static func fastInstant(_ text: String) -> Date? {
        var b = Array(text.utf8)
        var offset = 0
        if b.count >= 25, b[b.count - 6] == 43 || b[b.count - 6] == 45, b[b.count - 3] == 58 {
            let sign = b[b.count - 6] == 45 ? -1 : 1
            let digits = [b[b.count - 5], b[b.count - 4], b[b.count - 2], b[b.count - 1]]
            guard digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
            let hours = Int(digits[0] - 48) * 10 + Int(digits[1] - 48), minutes = Int(digits[2] - 48) * 10 + Int(digits[3] - 48)
            guard hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
            b.removeLast(6)
            b.append(90)
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58, b.last == 90 || b.last == 122 else { return nil }
        let digits = b
        let number = { (r: Range<Int>) in Digits.number(digits, r) }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13), let mi = number(14..<16), let s = number(17..<19),
            (1...12).contains(mo), (1...CivilTime.daysIn(year: y, month: mo)).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var fraction = 0.0
        if b.count > 20 {
            guard b[19] == 46, b.count > 21 else { return nil }
            var scale = 0.1
            for i in 20..<(b.count - 1) {
                guard (48...57).contains(b[i]) else { return nil }
                fraction += Double(b[i] - 48) * scale
                scale /= 10
            }
        } else if b.count != 20 {
            return nil
        }
        return CivilTime.date(year: y, month: mo, day: d, hour: h, minute: mi, second: s).addingTimeInterval(fraction - Double(offset))
    }
}

extension Date {
    /// Milliseconds since the Unix epoch, rounded down: how CloudWatch Logs and Lambda count time.
    public var epochMillis: Int { Int((timeIntervalSince1970 * 1000).rounded(.down)) }
}
