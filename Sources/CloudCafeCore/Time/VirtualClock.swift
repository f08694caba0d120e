public import Foundation
import Synchronization

/// The one source of "now" for every service, handler and timestamp.
///
/// Virtual time = the instant it was last set + real time elapsed since then × rate.
/// Rate 1 is real time, N runs N times faster, 0 freezes the clock until it is moved.
/// Its real-time mode reads the machine through `MachineClock`.
public final class VirtualClock: Sendable {
    private struct State {
        var anchor: Date
        var realAnchor: MachineClock.Instant
        var rate: Double
    }

    private let state: Mutex<State>

    /// The fastest the clock runs: a simulated year in about 30 real seconds. Faster rates
    /// would only push instants past what dates can hold.
    public static let maximumRate = 1_000_000.0

    /// A clock starting at `start` (the machine's time when nil), running at `rate`.
    public init(start: Date? = nil, rate: Double = 1) {
        state = Mutex(State(anchor: start ?? MachineClock.wallTime, realAnchor: MachineClock.now, rate: Self.clamped(rate)))
    }

    /// The current virtual instant.
    public var now: Date {
        state.withLock { s in s.anchor.addingTimeInterval(Self.seconds(MachineClock.now - s.realAnchor) * s.rate) }
    }

    /// The speed factor: 0 frozen, 1 real time.
    public var rate: Double { state.withLock { $0.rate } }

    /// Moves the clock to `instant`; it keeps running from there at its rate.
    public func set(_ instant: Date) {
        state.withLock { s in
            s.anchor = instant
            s.realAnchor = MachineClock.now
        }
    }

    /// Changes the speed, keeping the current instant.
    public func setRate(_ rate: Double) {
        state.withLock { s in
            let realNow = MachineClock.now
            s.anchor = s.anchor.addingTimeInterval(Self.seconds(realNow - s.realAnchor) * s.rate)
            s.realAnchor = realNow
            s.rate = Self.clamped(rate)
        }
    }

    /// The real time to wait until the clock reaches `instant`; nil when frozen (it never will).
    public func realDelay(until instant: Date) -> Duration? {
        state.withLock { s in
            guard s.rate > 0 else { return nil }
            let virtualNow = s.anchor.addingTimeInterval(Self.seconds(MachineClock.now - s.realAnchor) * s.rate)
            // A day at most: whoever waits looks again, and the conversion cannot overflow.
            let seconds = min(86_400, max(0, instant.timeIntervalSince(virtualNow) / s.rate))
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
    }

    private static func seconds(_ d: Duration) -> Double { MachineClock.seconds(d) }

    private static func clamped(_ rate: Double) -> Double { rate.isFinite ? min(max(0, rate), maximumRate) : 0 }
}
