public import CloudCafeCore
public import Foundation
import Synchronization

/// Fires scheduled rules on the virtual clock.
///
/// A clock move runs every firing due in between, in time order (ties by rule ARN), each at
/// its own instant: the clock is set to that instant, the rule fires, and the move waits
/// for all the work it caused before the next one. A running clock is followed by a
/// background loop that fires what falls due.
public final class Scheduler: Sendable {
    let events: EventBridge
    let schedules: EventBridgeScheduler
    let clock: VirtualClock
    let work: WorkTracker
    let timers: TimerQueue
    let lock = AsyncLock()
    private let loop = LockedTask()

    public init(events: EventBridge, schedules: EventBridgeScheduler, dispatcher: Dispatcher) {
        self.events = events
        self.schedules = schedules
        self.clock = dispatcher.clock
        self.work = dispatcher.work
        self.timers = dispatcher.timers
    }

    /// The next thing due before or at `limit`: a rule's firing or a timer, earliest first;
    /// at the same instant, rules fire before timers.
    enum Due {
        case rule(ARN, Date)
        case schedule(EventBridgeScheduler.Key, due: Date, nominal: Date)
        case timer(TimerQueue.Timer)
    }

    /// The earliest of a rule's firing, a schedule's delivery and a timer, at or before
    /// `limit`; at the same instant rules go first, then schedules, then timers.
    func nextDue(upTo limit: Date) async -> Due? {
        let rule = await events.earliestDue(upTo: limit)
        let schedule = await schedules.earliestDue(upTo: limit)
        let timerDue = timers.nextDue.flatMap { $0 <= limit ? $0 : nil }
        let times = [rule?.1, schedule?.due, timerDue].compactMap { $0 }
        guard let first = times.min() else { return nil }
        if let rule, rule.1 == first { return .rule(rule.0, rule.1) }
        if let schedule, schedule.due == first { return .schedule(schedule.key, due: schedule.due, nominal: schedule.nominal) }
        return timers.popDue(upTo: limit).map(Due.timer)
    }

    /// Runs one due item at its instant and waits for the work it causes.
    func run(_ due: Due, settingClock: Bool) async -> Firing? {
        var fired: Firing?
        switch due {
        case .rule(let arn, let instant):
            if settingClock { clock.set(instant) }
            fired = await events.fire(arn, at: instant)
        case .schedule(let key, let due, let nominal):
            if settingClock { clock.set(due) }
            fired = await schedules.fire(key, nominal: nominal)
        case .timer(let timer):
            if settingClock { clock.set(timer.due) }
            await timers.run(timer)
        }
        await work.waitUntilIdle()
        return fired
    }

    /// Moves the clock to `target`. Forward, every firing in between happens first;
    /// backward, nothing fires (and nothing already fired fires again).
    public func move(to target: Date) async -> [Firing] {
        await lock.run {
            // Work already under way (an asynchronous invocation) finishes at the time it started.
            await work.waitUntilIdle()
            var fired: [Firing] = []
            while let due = await nextDue(upTo: target) {
                if let f = await run(due, settingClock: true) { fired.append(f) }
            }
            clock.set(target)
            return fired
        }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) async -> [Firing] {
        await move(to: clock.now.addingTimeInterval(seconds))
    }

    /// Starts following the running clock; a frozen clock only moves when told.
    public func start() {
        loop.replace(
            Task { [self] in
                while !Task.isCancelled {
                    var pause = Duration.seconds(1)
                    let next = [await events.nextDue(), await schedules.nextDue(), timers.nextDue].compactMap { $0 }.min()
                    if let next, let delay = clock.realDelay(until: next) { pause = min(delay, pause) }
                    try? await Task.sleep(for: pause)
                    guard clock.rate > 0 else { continue }
                    await fireDue()
                }
            })
    }

    /// Stops the background loop.
    public func stop() { loop.replace(nil) }

    /// Fires what the running clock has reached, each firing with its own scheduled instant.
    func fireDue() async {
        await lock.run {
            while let due = await nextDue(upTo: clock.now) {
                _ = await run(due, settingClock: false)
            }
        }
    }
}

final class LockedTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    func replace(_ new: Task<Void, Never>?) {
        task.withLock { t in
            t?.cancel()
            t = new
        }
    }
}
