public import Foundation
import CloudCafeCore

/// An exact amount of money in cents. It is stored and printed as decimal text ("3.50")
/// and never passes through floating point.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in cents.
    public let cents: Int64

    public init(cents: Int64) { self.cents = cents }

    /// Parses "3.50", "3.5" or "3" within DECIMAL(10,2) (so no sum of a few can overflow); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), let whole = Int64(parts[0]), (0..<100_000_000).contains(whole)
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(f) else { return nil }
            fraction = f.count == 1 ? v * 10 : v
        }
        cents = whole * 100 + fraction
    }

    /// The amount as a `Decimal`.
    public var decimal: Decimal { Decimal(cents) / 100 }

    /// Two-decimal text, as DECIMAL(10,2) prints it.
    public var description: String { "\(cents / 100).\(Digits.padded(cents % 100, 2))" }

    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func * (a: Money, n: Int) -> Money { Money(cents: a.cents * Int64(n)) }
    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
    public static let zero = Money(cents: 0)
}
