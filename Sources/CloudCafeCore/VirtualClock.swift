public import Foundation
import Synchronization

/// The one source of "now" for every service, handler and timestamp.
///
/// Virtual time = the instant it was last set + real time elapsed since then × rate.
/// Rate 1 is real time, N runs N times faster, 0 freezes the clock until it is moved.
/// This file is the only place that reads the machine's wall clock (`Date()`).
public final class VirtualClock: Sendable {
    private struct State {
        var anchor: Date
        var realAnchor: ContinuousClock.Instant
        var rate: Double
    }

    private let state: Mutex<State>

    /// A clock starting at `start` (the machine's time when nil), running at `rate`.
    public init(start: Date? = nil, rate: Double = 1) {
        state = Mutex(State(anchor: start ?? Date(), realAnchor: .now, rate: max(0, rate)))
    }

    /// The current virtual instant.
    public var now: Date {
        state.withLock { s in s.anchor.addingTimeInterval(Self.seconds(ContinuousClock.now - s.realAnchor) * s.rate) }
    }

    /// The speed factor: 0 frozen, 1 real time.
    public var rate: Double { state.withLock { $0.rate } }

    /// Moves the clock to `instant`; it keeps running from there at its rate.
    public func set(_ instant: Date) {
        state.withLock { s in
            s.anchor = instant
            s.realAnchor = .now
        }
    }

    /// Changes the speed, keeping the current instant.
    public func setRate(_ rate: Double) {
        state.withLock { s in
            let realNow = ContinuousClock.now
            s.anchor = s.anchor.addingTimeInterval(Self.seconds(realNow - s.realAnchor) * s.rate)
            s.realAnchor = realNow
            s.rate = max(0, rate)
        }
    }

    /// The real time to wait until the clock reaches `instant`; nil when frozen (it never will).
    public func realDelay(until instant: Date) -> Duration? {
        state.withLock { s in
            guard s.rate > 0 else { return nil }
            let virtualNow = s.anchor.addingTimeInterval(Self.seconds(ContinuousClock.now - s.realAnchor) * s.rate)
            let seconds = max(0, instant.timeIntervalSince(virtualNow) / s.rate)
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
    }

    /// The machine's wall clock, for the few things that must not follow virtual time
    /// (SigV4 skew checks). Services never use it.
    public static var machineTime: Date { Date() }

    private static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
