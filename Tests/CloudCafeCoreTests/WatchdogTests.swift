import CloudCafeCore
import Synchronization
import Testing

struct WatchdogTests {
    /// What expired, in order.
    final class Log: Sendable {
        let names = Mutex<[String]>([])
        func add(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    /// Waits (up to five seconds) until `log` holds `count` names.
    func wait(for count: Int, in log: Log) async throws {
        for _ in 0..<500 where log.all.count < count { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func deadlinesExpireInOrderAndDisarmedOnesNever() async throws {
        // Given deadlines armed out of order, one of them disarmed
        let watchdog = Watchdog()
        let log = Log()
        let now = MachineClock.now
        _ = watchdog.arm(at: now.advanced(by: .milliseconds(60))) { log.add("late") }
        let cancelled = watchdog.arm(at: now.advanced(by: .milliseconds(30))) { log.add("disarmed") }
        _ = watchdog.arm(at: now.advanced(by: .milliseconds(20))) { log.add("early") }
        watchdog.disarm(cancelled)
        // When they have all passed
        try await wait(for: 2, in: log)
        // Then each armed one expired once, earliest first, and the disarmed one not at all
        #expect(log.all == ["early", "late"])
    }

    @Test func anEarlierDeadlineIsNotHeldUpByALaterOne() async throws {
        // Given a deadline far off, then one soon
        let watchdog = Watchdog()
        let log = Log()
        let far = watchdog.arm(at: MachineClock.now.advanced(by: .seconds(600))) { log.add("far") }
        _ = watchdog.arm(at: MachineClock.now.advanced(by: .milliseconds(10))) { log.add("soon") }
        // When the soon one has passed
        try await wait(for: 1, in: log)
        // Then it expired while the far one is still armed
        #expect(log.all == ["soon"])
        #expect(watchdog.armedCount == 1)
        watchdog.disarm(far)
        #expect(watchdog.armedCount == 0)
    }

    @Test func armingAgainAfterAllExpiredStillWakes() async throws {
        let watchdog = Watchdog()
        let log = Log()
        _ = watchdog.arm(at: MachineClock.now.advanced(by: .milliseconds(5))) { log.add("first") }
        try await wait(for: 1, in: log)
        _ = watchdog.arm(at: MachineClock.now.advanced(by: .milliseconds(5))) { log.add("second") }
        try await wait(for: 2, in: log)
        #expect(log.all == ["first", "second"])
    }
}
