public import Foundation

/// The machine's own time. Everything else follows the VirtualClock; this is the one place
/// that reads or waits on real time: the VirtualClock's real-time mode, how long a handler
/// ran, a timeout, a real-second wait, a signature's clock skew.
public enum MachineClock {
    /// A point on the machine's monotonic clock.
    public typealias Instant = ContinuousClock.Instant

    /// Now on the monotonic clock (durations, deadlines).
    public static var now: Instant { ContinuousClock.now }

    /// The machine's wall-clock time (a frozen clock's default start, SigV4 skew checks).
    public static var wallTime: Date { Date() }

    /// Waits `duration` of real time; throws when the task is cancelled.
    public static func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }

    /// The real time elapsed since `start`.
    public static func elapsed(since start: Instant) -> Duration { now - start }

    /// A duration in seconds, as a Double.
    public static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
