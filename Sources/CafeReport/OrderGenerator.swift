import CloudCafeCore

/// Realistic, reproducible café traffic: the same seed gives the same orders.
///
/// Opening hours are café local time (Monday–Friday 07:00–19:00, Saturday 08:00–18:00,
/// Sunday 09:00–15:00, quieter); drinks sell more than pastries, tarts least; most lines
/// are one to three items, a few are bulk orders up to 15.
public struct OrderGenerator: Sendable {
    /// Relative popularity of each product id.
    static let popularity: [(Int64, Int)] = [
        (7, 30), (9, 22), (8, 14),  // Coffee, Latte, Hot Chocolate
        (1, 12), (2, 10), (3, 8), (4, 8),  // Croissant, Donut, Cookie, Muffin
        (5, 3), (6, 3),  // the tarts
    ]

    let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// The orders of `days` consecutive days starting at `from`, in time order.
    public func orders(from: LocalDay, days: Int) -> [CafeDatabase.NewOrder] {
        var rng = SplitMix64(seed: seed)
        var result: [CafeDatabase.NewOrder] = []
        for offset in 0..<max(0, days) {
            let day = from.adding(days: offset)
            let (open, close, count): (Int, Int, ClosedRange<Int>)
            switch day.weekday {
            case 1: (open, close, count) = (9, 15, 8...18)
            case 7: (open, close, count) = (8, 18, 35...55)
            default: (open, close, count) = (7, 19, 30...50)
            }
            let times = (0..<Int.random(in: count, using: &rng))
                .map { _ in Int.random(in: (open * 3600)..<(close * 3600), using: &rng) }
                .sorted()
            for second in times {
                let time = LocalDateTime(day: day, hour: second / 3600, minute: second % 3600 / 60, second: second % 60)
                result.append(CafeDatabase.NewOrder(time: time, lines: lines(using: &rng)))
            }
        }
        return result
    }

    func lines(using rng: inout SplitMix64) -> [CafeDatabase.Line] {
        let count = [1, 1, 1, 2, 2, 3, 4][Int.random(in: 0..<7, using: &rng)]
        var chosen: [Int64] = []
        while chosen.count < count {
            let product = pick(using: &rng)
            if !chosen.contains(product) { chosen.append(product) }
        }
        return chosen.map { product in
            let roll = Int.random(in: 0..<100, using: &rng)
            let quantity = roll < 60 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : Int.random(in: 4...15, using: &rng)
            return CafeDatabase.Line(productID: product, quantity: quantity)
        }
    }

    func pick(using rng: inout SplitMix64) -> Int64 {
        let total = Self.popularity.reduce(0) { $0 + $1.1 }
        var roll = Int.random(in: 0..<total, using: &rng)
        for (product, weight) in Self.popularity {
            if roll < weight { return product }
            roll -= weight
        }
        return 7
    }
}
