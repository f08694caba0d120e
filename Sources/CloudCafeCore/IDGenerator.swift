import Foundation
import Synchronization

/// Generates request ids, UUIDs and hex tokens.
///
/// With a seed the sequence is reproducible (same inputs, same ids); without one it
/// is seeded from the system's random source.
public final class IDGenerator: Sendable {
    private let rng: Mutex<SplitMix64>

    /// A generator; `seed` makes every id it gives reproducible.
    public init(seed: UInt64? = nil) {
        rng = Mutex(SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max)))
    }

    /// A random RFC 4122 version-4 UUID string, lower-case as AWS writes request ids.
    public func uuid() -> String {
        // Written straight into the string's storage: through an array of the sixteen bytes
        // and another of the digits, each request's id was a hundredth of a GetParameter.
        String(unsafeUninitializedCapacity: 36) { out in
            rng.withLock { r in
                var o = 0
                for i in 0..<16 {
                    var b = UInt8(truncatingIfNeeded: r.next())
                    if i == 6 { b = (b & 0x0F) | 0x40 }
                    if i == 8 { b = (b & 0x3F) | 0x80 }
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = Self.hexDigit(b >> 4)
                    out[o + 1] = Self.hexDigit(b & 0xF)
                    o += 2
                }
            }
            return 36
        }
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }

    /// `count` random lower-case hex digits.
    public func hex(_ count: Int) -> String {
        rng.withLock { r in (0..<count).map { _ in String(r.next() & 0xF, radix: 16) }.joined() }
    }

    /// A random integer in `range`.
    public func int(in range: ClosedRange<Int>) -> Int {
        rng.withLock { r in Int.random(in: range, using: &r) }
    }
}

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
