import EventBridge
import Foundation
import Testing

/// EventBridge Scheduler's time zones: a local time that does not exist is skipped; a
/// repeated local time fires once.
struct ZonedScheduleTests {
    let newYork = TimeZone(identifier: "America/New_York")!

    func times(_ expression: String, after: String, count: Int) -> [String] {
        guard let s = ZonedSchedule(expression, zone: newYork) else { return ["invalid"] }
        var t = instant(after)
        var out: [String] = []
        for _ in 0..<count {
            guard let n = s.next(after: t, anchor: instant(after)) else { break }
            out.append(ISO8601DateFormatter().string(from: n))
            t = n
        }
        return out
    }

    @Test func springForwardSkipsTheMissingTime() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
        #expect(
            times("cron(30 2 * * ? *)", after: "2026-03-06T12:00:00Z", count: 3) == [
                "2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z",
            ])
    }

    @Test func fallBackFiresTheRepeatedTimeOnce() {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        #expect(
            times("cron(30 1 * * ? *)", after: "2026-10-30T12:00:00Z", count: 3) == [
                "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z",
            ])
        // Even asked from inside the second 01:00 hour, it does not fire again.
        #expect(times("cron(45 1 * * ? *)", after: "2026-11-01T06:10:00Z", count: 1) == ["2026-11-02T06:45:00Z"])
    }

    @Test func localHoursKeepTheirWallClockTimeAcrossTheChange() {
        // 20:00 in New York is 00:00Z under EDT and 01:00Z under EST; Sunday is skipped.
        #expect(
            times("cron(0 20 ? * MON-SAT *)", after: "2026-10-30T00:00:00Z", count: 3) == [
                "2026-10-31T00:00:00Z", "2026-11-01T00:00:00Z", "2026-11-03T01:00:00Z",
            ])
    }

    @Test func atFiresOnceAtItsLocalTime() {
        #expect(times("at(2026-11-28T19:59:00)", after: "2026-11-27T00:00:00Z", count: 2) == ["2026-11-29T00:59:00Z"])
        #expect(times("at(2026-03-08T02:30:00)", after: "2026-03-01T00:00:00Z", count: 1) == [])
        #expect(times("at(2026-11-28T19:59:00)", after: "2026-11-30T00:00:00Z", count: 1) == [])
    }

    @Test(arguments: ["at(2026-11-28 19:59:00)", "at(2026-02-30T10:00:00)", "at(2026-11-28T24:00:00)", "at()", "cron(0 20 * * * *)", "rate(1 minutes)"])
    func rejectsInvalidExpressions(_ text: String) {
        #expect(ZonedSchedule(text, zone: newYork) == nil)
    }
}
