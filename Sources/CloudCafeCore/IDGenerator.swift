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
        var bytes = rng.withLock { r in (0..<16).map { _ in UInt8(truncatingIfNeeded: r.next()) } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

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
