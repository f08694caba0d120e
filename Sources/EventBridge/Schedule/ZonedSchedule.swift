import CloudCafeCore
public import Foundation

/// An EventBridge Scheduler expression — `cron(...)`, `rate(...)` or `at(yyyy-mm-ddThh:mm:ss)` —
/// evaluated in a time zone with daylight saving as Scheduler does: a local time that does
/// not exist (the spring-forward gap) is skipped, a repeated local time fires once.
public struct ZonedSchedule: Sendable {
    public enum Kind: Sendable {
        case cron(CronExpression)
        case rate(seconds: Int)
        case at(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    }

    public let kind: Kind
    public let zone: TimeZone

    /// Parses an expression as CreateSchedule accepts it; nil for "Invalid Schedule Expression".
    public init?(_ text: String, zone: TimeZone) {
        self.zone = zone
        if text.hasPrefix("at("), text.hasSuffix(")") {
            let body = String(text.dropFirst(3).dropLast())
            let parts = body.split(separator: "T")
            guard parts.count == 2 else { return nil }
            let d = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            let t = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard body.count == 19, d.count == 3, t.count == 3, let y = d[0], let mo = d[1], let da = d[2], let h = t[0], let mi = t[1], let s = t[2],
                (1...12).contains(mo), (1...CivilTime.daysIn(year: y, month: mo)).contains(da), (0...23).contains(h), (0...59).contains(mi),
                (0...59).contains(s)
            else { return nil }
            kind = .at(year: y, month: mo, day: da, hour: h, minute: mi, second: s)
            return
        }
        switch ScheduleExpression(text) {
        case .cron(let c)?: kind = .cron(c)
        case .rate(let s)?: kind = .rate(seconds: s)
        case nil: return nil
        }
    }

    /// The first firing strictly after `instant`; `anchor` starts rate schedules.
    public func next(after instant: Date, anchor: Date) -> Date? {
        switch kind {
        case .rate(let seconds):
            return ScheduleExpression.rate(seconds: seconds).next(after: instant, anchor: anchor)
        case .at(let y, let mo, let d, let h, let mi, let s):
            guard let date = resolve(year: y, month: mo, day: d, hour: h, minute: mi, second: s), date > instant else { return nil }
            return date
        case .cron(let cron):
            // Walk the local wall-clock times the expression names, in UTC-shaped stand-ins.
            var wall = wallClock(instant)
            for _ in 0..<10_000 {
                guard let candidate = cron.next(after: wall) else { return nil }
                wall = candidate
                let c = CivilTime(candidate)
                guard let date = resolve(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: 0) else { continue }
                if date > instant { return date }
            }
            return nil
        }
    }

    /// The wall-clock time of `instant` in the zone, as a UTC-shaped stand-in date.
    func wallClock(_ instant: Date) -> Date {
        instant.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: instant)))
    }

    /// The instant a local time names: nil when it does not exist (a spring-forward gap); the
    /// earlier of two when it is repeated (fall back).
    func resolve(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        let naive = CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute).addingTimeInterval(TimeInterval(second))
        // Try the offsets in force around that time, earliest instant first.
        let offsets = Set([
            zone.secondsFromGMT(for: naive.addingTimeInterval(-86_400)), zone.secondsFromGMT(for: naive),
            zone.secondsFromGMT(for: naive.addingTimeInterval(86_400)),
        ])
        let candidates = offsets.map { naive.addingTimeInterval(TimeInterval(-$0)) }.sorted()
        return candidates.first { zone.secondsFromGMT(for: $0) == Int(naive.timeIntervalSince($0)) }
    }
}
