import EventBridge
import Foundation
import Testing

func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

struct ScheduleExpressionTests {
    func next(_ expression: String, after: String, count: Int = 1) -> [String] {
        guard let s = ScheduleExpression(expression) else { return ["invalid"] }
        var t = instant(after)
        var out: [String] = []
        for _ in 0..<count {
            guard let n = s.next(after: t, anchor: instant(after)) else { break }
            out.append(ISO8601DateFormatter().string(from: n))
            t = n
        }
        return out
    }

    @Test func cafeScheduleSkipsSundays() {
        #expect(
            next("cron(0 20 ? * MON-SAT *)", after: "2026-11-27T19:59:00Z", count: 3) == [
                "2026-11-27T20:00:00Z", "2026-11-28T20:00:00Z", "2026-11-30T20:00:00Z",
            ])
        // Strictly after: exactly at a firing gives the next one.
        #expect(next("cron(0 20 ? * MON-SAT *)", after: "2026-11-27T20:00:00Z") == ["2026-11-28T20:00:00Z"])
    }

    @Test(arguments: [
        ("cron(0/15 * * * ? *)", "2026-11-27T10:07:30Z", ["2026-11-27T10:15:00Z", "2026-11-27T10:30:00Z"]),
        ("cron(0 12 L * ? *)", "2026-02-01T00:00:00Z", ["2026-02-28T12:00:00Z", "2026-03-31T12:00:00Z"]),
        ("cron(0 12 ? * 6L *)", "2026-11-01T00:00:00Z", ["2026-11-27T12:00:00Z", "2026-12-25T12:00:00Z"]),
        ("cron(0 9 ? * 2#1 *)", "2026-11-01T00:00:00Z", ["2026-11-02T09:00:00Z", "2026-12-07T09:00:00Z"]),
        ("cron(0 9 15W * ? *)", "2026-11-01T00:00:00Z", ["2026-11-16T09:00:00Z", "2026-12-15T09:00:00Z"]),
        ("cron(0 9 1W * ? *)", "2026-08-01T00:00:00Z", ["2026-08-03T09:00:00Z", "2026-09-01T09:00:00Z"]),
        ("cron(0 9 LW * ? *)", "2026-05-01T00:00:00Z", ["2026-05-29T09:00:00Z", "2026-06-30T09:00:00Z"]),
        ("cron(0 0 29 2 ? *)", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        ("cron(0 0 ? * 1 *)", "2026-11-27T00:00:00Z", ["2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z"]),
        ("cron(0 0 ? * L *)", "2026-11-27T00:00:00Z", ["2026-11-28T00:00:00Z", "2026-12-05T00:00:00Z"]),
        ("cron(30 8 1 JAN,JUL ? 2027-2028)", "2026-11-27T00:00:00Z", ["2027-01-01T08:30:00Z", "2027-07-01T08:30:00Z"]),
        ("cron(0 0 1 1 ? 2020)", "2026-11-27T00:00:00Z", []),
        ("rate(5 minutes)", "2026-11-27T10:00:00Z", ["2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z"]),
        ("rate(1 day)", "2026-11-27T10:00:00Z", ["2026-11-28T10:00:00Z", "2026-11-29T10:00:00Z"]),
    ])
    func firesWhenEventBridgeDoes(_ expression: String, _ after: String, _ expected: [String]) {
        #expect(next(expression, after: after, count: 2) == expected)
    }

    @Test(arguments: [
        "cron(bogus)", "cron(0 20 * * * *)", "cron(0 20 ? * ? *)", "cron(0 20 ? * MON-SAT)", "cron(60 20 ? * MON *)",
        "cron(0 24 ? * MON *)", "cron(0 20 32 * ? *)", "cron(0 20 ? 13 ? *)", "cron(0 20 ? * 8 *)", "cron(0 20 ? * MON 2200)",
        "cron(0 20 ? * 2#6 *)", "cron(0 20 ? * SAT-MON *)", "cron(0 20 ? * 2#1,3#1 *)", "rate(1 minutes)", "rate(2 minute)",
        "rate(0 minutes)", "rate(-1 minutes)", "rate(5  minutes)", "rate(5 Minutes)", "rate(5 seconds)", "at(2026-11-27T10:00:00)", "",
    ])
    func rejectsWhatEventBridgeRejects(_ expression: String) {
        #expect(ScheduleExpression(expression) == nil)
    }

    /// Day, month and weekday of every day of the horizon, from Foundation's calendar.
    static let horizon: [(start: Date, day: Int, month: Int, weekday: Int)] = {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let first = instant("2026-09-01T00:00:00Z")
        return (0..<1500).map { d in
            let day = cal.date(byAdding: .day, value: d, to: first)!
            let c = cal.dateComponents([.day, .month, .weekday], from: day)
            return (day, c.day!, c.month!, c.weekday!)
        }
    }()

    /// A deliberately simple evaluator: walk the days of the horizon, and on a day whose
    /// date fields match, every minute of it.
    func bruteForce(minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>?, after: Date) -> Date? {
        for d in Self.horizon where d.start.addingTimeInterval(86_400) > after {
            let dayOK = weekdays.map { $0.contains(d.weekday) } ?? days.contains(d.day)
            guard dayOK, months.contains(d.month) else { continue }
            for minuteOfDay in 0..<1440 where hours.contains(minuteOfDay / 60) && minutes.contains(minuteOfDay % 60) {
                let t = d.start.addingTimeInterval(Double(minuteOfDay * 60))
                if t > after { return t }
            }
        }
        return nil
    }

    @Test func agreesWithBruteForceOnGeneratedExpressions() {
        var rng = SystemRandomNumberGenerator()
        func field(_ range: ClosedRange<Int>) -> (String, Set<Int>) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return ("*", Set(range))
            case 1:
                let v = Int.random(in: range, using: &rng)
                return ("\(v)", [v])
            case 2:
                let a = Int.random(in: range, using: &rng)
                let b = Int.random(in: a...range.upperBound, using: &rng)
                return ("\(a)-\(b)", Set(a...b))
            default:
                let a = Int.random(in: range, using: &rng)
                let step = Int.random(in: 1...max(1, range.count / 2), using: &rng)
                return ("\(a)/\(step)", Set(stride(from: a, through: range.upperBound, by: step)))
            }
        }
        var checked = 0
        for _ in 0..<2000 {
            let (m, ms) = field(0...59)
            let (h, hs) = field(0...23)
            let (mo, mos) = field(1...12)
            let useWeekday = Bool.random(using: &rng)
            let (d, ds) = field(1...31)
            let (w, ws) = field(1...7)
            let expression = useWeekday ? "cron(\(m) \(h) ? \(mo) \(w) *)" : "cron(\(m) \(h) \(d) \(mo) ? *)"
            let after = Date(timeIntervalSince1970: 1_790_000_000 + Double(Int.random(in: 0..<10_000_000, using: &rng)))
            guard let s = ScheduleExpression(expression) else {
                Issue.record("rejected \(expression)")
                continue
            }
            let expected = bruteForce(minutes: ms, hours: hs, days: ds, months: mos, weekdays: useWeekday ? ws : nil, after: after)
            let actual = s.next(after: after, anchor: after)
            if let expected {
                #expect(actual == expected, "\(expression) after \(after)")
                checked += 1
            }
        }
        #expect(checked > 1500)
    }
}
