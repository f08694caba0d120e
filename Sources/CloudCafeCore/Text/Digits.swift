/// Zero-padded decimals and lower-case hex, for the fixed-width text AWS's timestamps,
/// sequence numbers and digests use. `String(format:)` goes through Foundation's CFString
/// formatter (some 10 µs a call), and these run on every request.
public enum Digits {
    /// `value` in decimal, at least `width` digits (`padded(7, 3)` is `"007"`); negatives keep their sign.
    public static func padded(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let pad = max(0, width - digits.utf8.count - (value < 0 ? 1 : 0))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: pad) + digits
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Two lower-case hex digits per byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension CivilTime {
    /// `YYYY-MM-DDTHH:MM:SS`, the part every ISO 8601 form here shares.
    public var isoDateTime: String {
        "\(Digits.padded(year, 4))-\(Digits.padded(month, 2))-\(Digits.padded(day, 2))T\(Digits.padded(hour, 2)):\(Digits.padded(minute, 2)):\(Digits.padded(second, 2))"
    }
}
