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
    let clock: VirtualClock
    let work: WorkTracker
    let lock = AsyncLock()
    private let loop = LockedTask()

    public init(events: EventBridge, dispatcher: Dispatcher) {
        self.events = events
        self.clock = dispatcher.clock
        self.work = dispatcher.work
    }

    /// Moves the clock to `target`. Forward, every firing in between happens first;
    /// backward, nothing fires (and nothing already fired fires again).
    public func move(to target: Date) async -> [Firing] {
        await lock.run {
            // Work already under way (an asynchronous invocation) finishes at the time it started.
            await work.waitUntilIdle()
            var fired: [Firing] = []
            while let (arn, instant) = await events.earliestDue(upTo: target) {
                clock.set(instant)
                if let f = await events.fire(arn, at: instant) { fired.append(f) }
                await work.waitUntilIdle()
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
        loop.replace(Task { [self] in
            while !Task.isCancelled {
                var pause = Duration.seconds(1)
                if let next = await events.nextDue(), let delay = clock.realDelay(until: next) { pause = min(delay, pause) }
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
            while let (arn, instant) = await events.earliestDue(upTo: clock.now) {
                _ = await events.fire(arn, at: instant)
                await work.waitUntilIdle()
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
