import CloudCafeCore
import Foundation
import Testing

/// The hand-written encoders on the request path must say what Foundation's would.
struct FastTextTests {
    struct Inner: Codable, Equatable {
        var name: String
        var tags: [String: String]?
        var sizes: [Int64]
    }

    struct Sample: Codable, Equatable {
        var text: String
        var count: Int
        var small: Int8
        var big: UInt64
        var ratio: Double
        var whole: Double
        var single: Float
        var flag: Bool
        var missing: String?
        var when: Date
        var blob: Data
        var link: URL
        var inner: Inner
        var list: [Inner]
        var nested: [[Bool]]
        var optionals: [String?]
    }

    static let sample = Sample(
        text: "a/b \"q\" é\n", count: -42, small: -8, big: UInt64.max, ratio: 0.1, whole: 3, single: 0.1, flag: true, missing: nil,
        when: Date(timeIntervalSince1970: 1_796_033_710.4209552), blob: Data([0, 1, 2, 250]), link: URL(string: "http://127.0.0.1:4566/x?y=1")!,
        inner: Inner(name: "i", tags: ["k": "v"], sizes: [1, -2]), list: [Inner(name: "j", tags: nil, sizes: [])], nested: [[true], []],
        optionals: ["x", nil])

    @Test func encodesWhatJSONEncoderEncodes() throws {
        let foundation = JSONEncoder()
        foundation.dateEncodingStrategy = .secondsSince1970
        foundation.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let expected = try JSONValue(parsing: foundation.encode(Self.sample))
        let ours = try JSONValueEncoder().encode(Self.sample)
        #expect(Self.sortingMembers(ours) == expected)
        // Members come in the order the type encodes them; the text reads back to the same value.
        #expect(ours.compact.hasPrefix(#"{"text":"a/b \"q\" é\n","count":-42,"small":-8,"big":18446744073709551615,"ratio":0.1,"whole":3,"single":0.1,"#))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        #expect(try decoder.decode(Sample.self, from: Data(ours.compact.utf8)) == Self.sample)
    }

    /// Foundation sorts keys here (`.sortedKeys`); ours keep the order the type encodes.
    static func sortingMembers(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let members): .object(members.map { ($0.0, sortingMembers($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): .array(items.map(sortingMembers))
        default: v
        }
    }

    @Test func quotesAsJSONSerializationDoes() throws {
        let text = "plain \"quoted\" back\\slash \u{01}\u{1F} tab\t é 😀 /"
        #expect(JSONValue.string(text).compact == #""plain \"quoted\" back\\slash \u0001\u001f tab\t é 😀 /""#)
        #expect(JSONValue.string(text).pythonDumps == #""plain \"quoted\" back\\slash \u0001\u001f tab\t \u00e9 \ud83d\ude00 /""#)
        #expect(try JSONValue(parsing: JSONValue.string(text).compact) == .string(text))
    }

    /// JSON's escapes scalar by scalar, the plain way: what the word-at-a-time scan must match.
    static func escaped(_ text: String, asciiOnly: Bool) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value >= 0x80) {
                    for unit in String(scalar).utf16 { out += "\\u" + String(unit, radix: 16).leftPadded(to: 4) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func quotesEveryLengthAndPositionAsThePlainScanDoes() {
        // Each awkward character at each offset of strings around the eight-byte word size.
        let awkward: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", " ", "~"]
        for length in 0...20 {
            for position in 0..<max(1, length) {
                for c in awkward {
                    var chars = Array(repeating: Character("a"), count: length)
                    if length > 0 { chars[position] = c }
                    let text = String(chars)
                    #expect(JSONValue.string(text).compact == Self.escaped(text, asciiOnly: false), "\(text.debugDescription)")
                    #expect(JSONValue.string(text).pythonDumps == Self.escaped(text, asciiOnly: true), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func refusesWhatJSONCannotHold() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(Double.nan) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.infinity]) }
    }

    @Test func padsAndHexesAsPrintfDoes() {
        for (value, width) in [(0, 3), (7, 3), (1234, 2), (-5, 4), (59, 2), (2026, 4), (123_456_789, 20)] {
            #expect(Digits.padded(value, width) == String(format: "%0\(width)d", value))
        }
        #expect(Digits.padded(UInt64.max, 20) == "18446744073709551615")
        #expect(Digits.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(CivilTime(Date(timeIntervalSince1970: 1_796_033_710.4209552)).isoDateTime == "2026-11-30T10:15:10")
        #expect(TimeText.iso8601(Date(timeIntervalSince1970: 1_796_033_710.421)) == "2026-11-30T10:15:10.421Z")
        // Every year from 0 to 9999 as bytes, the rest as before; each as printf pads it.
        var generator = SystemRandomNumberGenerator()
        let seconds = [-62_167_219_200.0, -62_167_219_201, 253_402_300_799, 253_402_300_800, 0, 951_782_400]
            + (0..<500).map { _ in Double.random(in: -70_000_000_000...260_000_000_000, using: &generator) }
        for t in seconds {
            let c = CivilTime(Date(timeIntervalSince1970: t))
            let printf = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute, c.second)
            #expect(c.isoDateTime == printf, "\(t)")
        }
    }

    @Test func readsInstantsWithOffsets() {
        let utc = TimeText.instant("2015-04-09T15:03:43Z")
        #expect(utc != nil)
        #expect(TimeText.instant("2015-04-09T15:03:43+00:00") == utc)
        #expect(TimeText.instant("2015-04-09T17:03:43+02:00") == utc)
        #expect(TimeText.instant("2015-04-09T12:33:43-02:30") == utc)
        #expect(TimeText.instant("2015-04-09T15:03:43.500+00:00") == utc?.addingTimeInterval(0.5))
    }
}

struct PercentEncodingTests {
    @Test func encodesAsRFC3986() {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        for text in [#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#, "a b+c/d?e=f&g", "café ☕", ""] {
            #expect(PercentEncoding.encode(text) == text.addingPercentEncoding(withAllowedCharacters: allowed))
        }
        #expect(PercentEncoding.encode("/a b/", keeping: "/") == "/a%20b/")
    }

    @Test func decodesAsFoundationDoes() {
        let samples = [
            "plain", "a%20b", "caf%C3%A9+%E2%98%95", "%2B+%2b", "100%", "%4", "%zz", "%C3", "%FF%FE", "a+b", "", "%",
            "Message=hello%0Aworld&Subject=%F0%9F%98%80",
        ]
        for text in samples {
            #expect(PercentEncoding.decode(text) == text.removingPercentEncoding, "\(text)")
            #expect(PercentEncoding.decode(text, plusAsSpace: true) == text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding, "\(text)")
        }
        #expect(PercentEncoding.decode("a+b%2Bc", plusAsSpace: true) == "a b+c")
    }
}

struct PiecesTests {
    @Test func splitsAsStringSplitDoes() {
        let samples = [
            "", ":", "::", "a", "a:b", ":a:b:", "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "café:☕::x", "a::b:::c", "/2015-03-31/functions/f/invocations",
        ]
        for text in samples {
            for omitting in [true, false] {
                for maxSplits in [0, 1, 2, 5, Int.max] {
                    #expect(
                        text.pieces(":", omittingEmpty: omitting, maxSplits: maxSplits)
                            == text.split(separator: ":", maxSplits: maxSplits, omittingEmptySubsequences: omitting), "\(text) \(omitting) \(maxSplits)")
                }
            }
            #expect(text.pieces("/") == text.split(separator: "/"))
            #expect(text.dropFirst().pieces(":") == text.dropFirst().split(separator: ":"))
            // A separator outside ASCII is String's own split.
            #expect(text.pieces("☕") == text.split(separator: "☕"))
        }
    }
}

struct TwoDecimalsTests {
    @Test func writesAsPrintfDoes() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, 3, 900, 0.004, 0.005, 0.015, 1.005, 12.344999, 99.995, 123_456.789, -0.001, -2.5, 1e14 + 0.25]
        for _ in 0..<2_000 { values.append(Double.random(in: 0..<100_000, using: &generator)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: 0..<10_000_000, using: &generator)) / 1000) }  // many near a half
        for v in values { #expect(Digits.twoDecimals(v) == String(format: "%.2f", v), "\(v)") }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
