import CloudCafeCore
import Testing

@testable import Gateway

struct FormParsingTests {
    /// The form read as Substrings, as it was before the byte parser: the reference.
    static func reference(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.pieces("&") {
            let parts = pair.pieces("=", omittingEmpty: false, maxSplits: 1)
            let decode = { (s: Substring) in PercentEncoding.decode(s, plusAsSpace: true) ?? String(s) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    @Test func readsFormsAsTheSubstringParserDid() {
        let forms = [
            "", "&", "&&a=1&&", "Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:bench&Message=hello",
            "a", "a=", "=b", "a==b", "a=1&a=2", "a+b=c+d", "k=%2F%3a%E2%82%AC", "bad=%", "bad=%4", "bad=%zz", "half=%E2%82",
            "caf%C3%A9=caf%C3%A9", "x=%25%2B+", "Attributes.entry.1.key=Policy&Attributes.entry.1.value=%7B%22a%22%3A1%7D", "é=ü&ü",
        ]
        for form in forms { #expect(QueryCodec.parseForm(form) == Self.reference(form), "\(form)") }
    }

    @Test func agreesOnRandomForms() {
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("ab=&%+2F3AzZ9é ".unicodeScalars)
        for _ in 0..<2000 {
            var form = ""
            for _ in 0..<Int(next() % 24) { form.unicodeScalars.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            #expect(QueryCodec.parseForm(form) == Self.reference(form), "\(form)")
        }
    }
}
