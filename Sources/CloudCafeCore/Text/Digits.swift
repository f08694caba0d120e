import Foundation

/// Zero-padded decimals and lower-case hex, for the fixed-width text AWS's timestamps,
/// sequence numbers and digests use. `String(format:)` goes through Foundation's CFString
/// formatter (some 10 µs a call), and these run on every request.
public enum Digits {
    /// `value` in decimal, at least `width` digits (`padded(7, 3)` is `"007"`); negatives keep their sign.
    /// The decimal number `bytes[range]` spells, digits only (nil for anything else).
    public static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.upperBound <= bytes.count, !range.isEmpty else { return nil }
        var n = 0
        for i in range {
            guard bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(bytes[i] - UInt8(ascii: "0"))
        }
        return n
    }

    public static func padded(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let pad = max(0, width - digits.utf8.count - (value < 0 ? 1 : 0))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: pad) + digits
    }

    /// `value` with two decimals, exactly as `String(format: "%.2f")` writes a duration or a
    /// timeout: rounded from the double's exact value, a true tie to even (beyond ±1e13 it
    /// defers to the formatter).
    public static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e13 else { return String(format: "%.2f", value) }
        let x = abs(value)
        let product = x * 100
        // The product's rounding error, exactly: it decides a product that landed on a half.
        let error = (-product).addingProduct(x, 100)
        var n = product.rounded(.toNearestOrEven)
        if abs(product - n) == 0.5 {
            n = error > 0 ? product.rounded(.up) : error < 0 ? product.rounded(.down) : n
        }
        let hundredths = Int64(n)
        return "\(value.sign == .minus ? "-" : "")\(hundredths / 100).\(padded(hundredths % 100, 2))"
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

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

extension Digits {
    /// `YYYY-MM-DD`, and `THH:MM:SS` after it when `time` is given. Written as bytes: every
    /// timeline entry, answer and log line stamps one, every report names its day.
    public static func isoDate(year: Int, month: Int, day: Int, time: (hour: Int, minute: Int, second: Int)? = nil) -> String {
        guard (0...9999).contains(year) else {
            let date = "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
            return time.map { date + "T\(padded($0.hour, 2)):\(padded($0.minute, 2)):\(padded($0.second, 2))" } ?? date
        }
        return String(unsafeUninitializedCapacity: time == nil ? 10 : 19) { out in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var v = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            guard let time else { return 10 }
            out[10] = UInt8(ascii: "T")
            put(time.hour, 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(time.minute, 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(time.second, 2, at: 17)
            return 19
        }
    }
}

extension CivilTime {
    /// `YYYY-MM-DDTHH:MM:SS`, the part every ISO 8601 form here shares.
    public var isoDateTime: String { Digits.isoDate(year: year, month: month, day: day, time: (hour, minute, second)) }
}

/// RFC 3986 percent-encoding over bytes: unreserved ASCII (and `extra`) stay, every other
/// byte of the UTF-8 text is `%XX`. `addingPercentEncoding` bridges through NSString.
public enum PercentEncoding {
    public static func encode(_ text: String, keeping extra: String = "") -> String {
        let kept = Set(extra.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                if kept.contains(b) {
                    out.append(b)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(upperHex[Int(b >> 4)])
                    out.append(upperHex[Int(b & 0x0f)])
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text `%XX` escapes stand for, as Foundation's `removingPercentEncoding` gives it
    /// (nil for an escape without two hex digits, or bytes that are not UTF-8), read as bytes.
    /// With `plusAsSpace`, a `+` is a space (HTML forms, query strings); `%2B` stays a `+`.
    public static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        decode(Substring(text), plusAsSpace: plusAsSpace)
    }

    /// As `decode(_:plusAsSpace:)`, on a concrete type (a generic one is not specialized across modules).
    public static func decode(_ text: Substring, plusAsSpace: Bool = false) -> String? {
        var text = text
        return text.withUTF8 { decode(bytes: $0, plusAsSpace: plusAsSpace) }
    }

    /// As `decode(_:plusAsSpace:)`, on UTF-8 text's bytes (a form read as bytes).
    public static func decode(bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool = false) -> String? {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+"), plusAsSpace {
                out.append(UInt8(ascii: " "))
                i += 1
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else { return nil }
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)
}
